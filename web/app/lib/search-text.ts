/**
 * Highlighting search results in the client, as plain text segments (rendered as React text
 * inside <mark>, never as HTML). The words of the query are found the way Postgres' 'simple'
 * configuration finds them: runs of letters and digits, compared lower-case. Excluded words
 * (`-word`) and the `or` operator of websearch_to_tsquery are not highlighted.
 */

export interface Segment {
  text: string;
  match: boolean;
}

const WORD = /[\p{L}\p{N}]+/gu;

export function queryTerms(query: string): string[] {
  const terms = new Set<string>();
  for (const token of query.match(/-?"[^"]*"?|\S+/g) ?? []) {
    if (token.startsWith('-') || token.toLowerCase() === 'or') continue;
    for (const word of token.match(WORD) ?? []) terms.add(word.toLowerCase());
  }
  return [...terms];
}

/**
 * The text cut to about `maxChars` around its first match (with … where it was cut), split
 * into matching and non-matching segments.
 */
export function highlight(text: string, terms: readonly string[], maxChars = 180): Segment[] {
  const wanted = new Set(terms);
  const matches: [number, number][] = [];
  for (const m of text.matchAll(WORD)) {
    if (wanted.has(m[0].toLowerCase())) matches.push([m.index, m.index + m[0].length]);
  }
  let start = 0;
  let end = text.length;
  if (text.length > maxChars) {
    const first = matches[0]?.[0] ?? 0;
    start = Math.max(0, Math.min(first - Math.floor(maxChars / 3), text.length - maxChars));
    end = Math.min(text.length, start + maxChars);
  }
  const segments: Segment[] = [];
  const push = (s: string, match: boolean) => {
    if (!s) return;
    const last = segments.at(-1);
    if (last && last.match === match) last.text += s;
    else segments.push({ text: s, match });
  };
  if (start > 0) push('…', false);
  let at = start;
  for (const [from, to] of matches) {
    if (to <= start || from >= end) continue;
    push(text.slice(at, Math.max(at, from)), false);
    push(text.slice(Math.max(at, from), Math.min(to, end)), true);
    at = Math.min(to, end);
  }
  push(text.slice(at, end), false);
  if (end < text.length) push('…', false);
  return segments;
}
