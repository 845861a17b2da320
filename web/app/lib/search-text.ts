/**
 * Highlighting search results in the client, as plain text segments (RichText renders them as
 * React text inside <mark>, never as HTML). The query is read exactly as the server reads it
 * (drizzle/queries/search-terms.ts): words compared lower-case, a plain word also marking the
 * words that start with it, excluded words and the `or` operator not marked.
 */
import { matchesTerm, parseSearchQuery, WORD, type HighlightTerm } from '../../../drizzle/queries/search-terms';

export type { HighlightTerm } from '../../../drizzle/queries/search-terms';

export interface Segment {
  text: string;
  match: boolean;
}

export function queryTerms(query: string): HighlightTerm[] {
  return parseSearchQuery(query).highlight;
}

/** The text cut to about `maxChars` around its first match, with … where it was cut. */
export function snippet(text: string, terms: readonly HighlightTerm[], maxChars = 180): string {
  if (text.length <= maxChars) return text;
  let first = 0;
  for (const m of text.matchAll(WORD)) {
    if (matchesTerm(m[0], terms)) {
      first = m.index;
      break;
    }
  }
  const start = Math.max(0, Math.min(first - Math.floor(maxChars / 3), text.length - maxChars));
  const end = Math.min(text.length, start + maxChars);
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
}

/** The text split into matching and non-matching segments (the segments join back to the text). */
export function highlight(text: string, terms: readonly HighlightTerm[]): Segment[] {
  if (!terms.length) return [{ text, match: false }];
  const segments: Segment[] = [];
  let at = 0;
  for (const m of text.matchAll(WORD)) {
    if (!matchesTerm(m[0], terms)) continue;
    if (m.index > at) segments.push({ text: text.slice(at, m.index), match: false });
    segments.push({ text: m[0], match: true });
    at = m.index + m[0].length;
  }
  if (at < text.length || !segments.length) segments.push({ text: text.slice(at), match: false });
  return segments;
}
