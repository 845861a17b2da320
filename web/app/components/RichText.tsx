/**
 * A message's text as React elements, from lib/markdown.ts's tree. Every piece of user text
 * is a React text child (escaped by React); links get rel="noopener noreferrer" and open in a
 * new tab; mentions of me are marked. Nothing here ever sets HTML.
 */
import { Fragment, type ReactNode } from 'react';
import { isInlineOnly, parseMarkdown, type Block, type Inline } from '../lib/markdown';

interface Props {
  text: string;
  /** My username: mentions of me are highlighted. */
  me?: string;
  className?: string;
  'data-testid'?: string;
}

function inline(nodes: Inline[], me: string | undefined): ReactNode[] {
  return nodes.map((n, i) => {
    switch (n.t) {
      case 'text':
        return <Fragment key={i}>{n.v}</Fragment>;
      case 'code':
        return <code key={i}>{n.v}</code>;
      case 'bold':
        return <strong key={i}>{inline(n.c, me)}</strong>;
      case 'italic':
        return <em key={i}>{inline(n.c, me)}</em>;
      case 'strike':
        return <del key={i}>{inline(n.c, me)}</del>;
      case 'link':
        return (
          <a key={i} href={n.href} target="_blank" rel="noopener noreferrer">
            {inline(n.c, me)}
          </a>
        );
      case 'mention':
        return n.username === me ? (
          <mark key={i} className="mention mention--me" data-testid="mention" data-username={n.username}>
            @{n.username}
          </mark>
        ) : (
          <span key={i} className="mention" data-testid="mention" data-username={n.username}>
            @{n.username}
          </span>
        );
      default: {
        const unreachable: never = n;
        return unreachable;
      }
    }
  });
}

function blocks(list: Block[], me: string | undefined): ReactNode[] {
  return list.map((b, i) => {
    switch (b.t) {
      case 'p':
        return <p key={i}>{inline(b.c, me)}</p>;
      case 'quote':
        return <blockquote key={i}>{blocks(b.c, me)}</blockquote>;
      case 'pre':
        return (
          <pre key={i} data-lang={b.lang ?? undefined}>
            <code>{b.v}</code>
          </pre>
        );
      default: {
        const unreachable: never = b;
        return unreachable;
      }
    }
  });
}

export function RichText({ text, me, className, 'data-testid': testId }: Props) {
  const tree = parseMarkdown(text);
  if (isInlineOnly(tree)) {
    return (
      <p className={className} data-testid={testId}>
        {inline((tree[0] as Extract<Block, { t: 'p' }>).c, me)}
      </p>
    );
  }
  return (
    <div className={`${className ?? ''} rich--blocks`} data-testid={testId}>
      {blocks(tree, me)}
    </div>
  );
}
