/**
 * A message's text as React elements, from lib/markdown.ts's tree. Every piece of user text
 * is a React text child (escaped by React); links get rel="noopener noreferrer" and open in a
 * new tab; mentions of me are marked. Nothing here ever sets HTML.
 * The parser links http(s) URLs; plain text runs outside links also get www. and e-mail
 * addresses as links here (lib/text.ts), so nothing is linked twice.
 */
import { Fragment, memo, type ReactNode } from 'react';
import { isInlineOnly, parseMarkdownCached, type Block, type Inline } from '../lib/markdown';
import { linkParts } from '../lib/text';

interface Props {
  text: string;
  /** My username: mentions of me are highlighted. */
  me?: string;
  className?: string;
  'data-testid'?: string;
}

function link(key: number, href: string, children: ReactNode) {
  return (
    <a key={key} href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  );
}

/** `inLink`: inside a link's text, where no other link may start. */
function inline(nodes: Inline[], me: string | undefined, inLink = false): ReactNode[] {
  return nodes.map((n, i) => {
    switch (n.t) {
      case 'text':
        return <Fragment key={i}>{inLink ? n.v : linkParts(n.v).map((part, j) => (part.href ? link(j, part.href, part.text) : part.text))}</Fragment>;
      case 'code':
        return <code key={i}>{n.v}</code>;
      case 'bold':
        return <strong key={i}>{inline(n.c, me, inLink)}</strong>;
      case 'italic':
        return <em key={i}>{inline(n.c, me, inLink)}</em>;
      case 'strike':
        return <del key={i}>{inline(n.c, me, inLink)}</del>;
      case 'link':
        return link(i, n.href, inline(n.c, me, true));
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

/** Memoised: the same text, reader and class render the same elements. */
export const RichText = memo(function RichText({ text, me, className, 'data-testid': testId }: Props) {
  const tree = parseMarkdownCached(text);
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
});
