/**
 * A message's text as React elements, from lib/markdown.ts's tree. Every piece of user text
 * is a React text child (escaped by React); links get rel="noopener noreferrer" and open in a
 * new tab; mentions of me are marked. Nothing here ever sets HTML.
 * The parser links http(s) URLs; plain text runs outside links also get www. and e-mail
 * addresses as links here (lib/text.ts), so nothing is linked twice.
 * Search results pass the query's terms: matching words are marked (<mark>) as text too.
 */
import { Fragment, memo, type ReactNode } from 'react';
import { isInlineOnly, parseMarkdownCached, type Block, type Inline } from '../lib/markdown';
import { highlight, type HighlightTerm } from '../lib/search-text';
import { linkParts } from '../lib/text';

interface Props {
  text: string;
  /** My username: mentions of me are highlighted. */
  me?: string;
  className?: string;
  /** Words to mark (a search's terms). */
  terms?: readonly HighlightTerm[];
  /** Inside a link or button of its own (a search result): links are shown as text, not nested. */
  noLinks?: boolean;
  'data-testid'?: string;
}

interface Reader {
  me: string | undefined;
  terms: readonly HighlightTerm[] | undefined;
  noLinks?: boolean;
}

/** Text with the search terms marked, or the text itself when there are none. */
function marked(text: string, terms: Reader['terms']): ReactNode {
  if (!terms?.length) return text;
  return highlight(text, terms).map((s, i) => (s.match ? <mark key={i}>{s.text}</mark> : s.text));
}

function link(key: number, href: string, children: ReactNode, r: Reader) {
  if (r.noLinks) {
    return (
      <span key={key} className="rich__link">
        {children}
      </span>
    );
  }
  return (
    <a key={key} href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  );
}

/** `inLink`: inside a link's text, where no other link may start. */
function inline(nodes: Inline[], r: Reader, inLink = false): ReactNode[] {
  return nodes.map((n, i) => {
    switch (n.t) {
      case 'text':
        return (
          <Fragment key={i}>
            {inLink
              ? marked(n.v, r.terms)
              : linkParts(n.v).map((part, j) => (part.href ? link(j, part.href, marked(part.text, r.terms), r) : <Fragment key={j}>{marked(part.text, r.terms)}</Fragment>))}
          </Fragment>
        );
      case 'code':
        return <code key={i}>{marked(n.v, r.terms)}</code>;
      case 'bold':
        return <strong key={i}>{inline(n.c, r, inLink)}</strong>;
      case 'italic':
        return <em key={i}>{inline(n.c, r, inLink)}</em>;
      case 'strike':
        return <del key={i}>{inline(n.c, r, inLink)}</del>;
      case 'link':
        return link(i, n.href, inline(n.c, r, true), r);
      case 'mention':
        return n.username === r.me ? (
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

function blocks(list: Block[], r: Reader): ReactNode[] {
  return list.map((b, i) => {
    switch (b.t) {
      case 'p':
        return <p key={i}>{inline(b.c, r)}</p>;
      case 'quote':
        return <blockquote key={i}>{blocks(b.c, r)}</blockquote>;
      case 'pre':
        return (
          <pre key={i} data-lang={b.lang ?? undefined}>
            <code>{marked(b.v, r.terms)}</code>
          </pre>
        );
      default: {
        const unreachable: never = b;
        return unreachable;
      }
    }
  });
}

/** Memoised: the same text, reader, terms and class render the same elements. */
export const RichText = memo(function RichText({ text, me, terms, noLinks, className, 'data-testid': testId }: Props) {
  const tree = parseMarkdownCached(text);
  const reader = { me, terms, noLinks };
  if (isInlineOnly(tree)) {
    return (
      <p className={className} data-testid={testId}>
        {inline((tree[0] as Extract<Block, { t: 'p' }>).c, reader)}
      </p>
    );
  }
  return (
    <div className={`${className ?? ''} rich--blocks`} data-testid={testId}>
      {blocks(tree, reader)}
    </div>
  );
});
