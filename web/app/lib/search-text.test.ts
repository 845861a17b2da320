import { describe, expect, it } from 'vitest';
import { highlight, queryTerms } from './search-text';

describe('queryTerms', () => {
  it('takes the words of the query, lower-case, without exclusions or the or operator', () => {
    expect(queryTerms('Hello "big World" -skip or Ünïcode')).toEqual(['hello', 'big', 'world', 'ünïcode']);
    expect(queryTerms('-"not this" that')).toEqual(['that']);
    expect(queryTerms('!!!')).toEqual([]);
  });
});

describe('highlight', () => {
  it('marks whole words, case-insensitively, and keeps every other character as text', () => {
    expect(highlight('<b>Hello</b> hello-world hellothere', ['hello'])).toEqual([
      { text: '<b>', match: false },
      { text: 'Hello', match: true },
      { text: '</b> ', match: false },
      { text: 'hello', match: true },
      { text: '-world hellothere', match: false },
    ]);
  });

  it('cuts long text around the first match', () => {
    const text = `${'a '.repeat(200)}needle${' b'.repeat(200)}`;
    const segments = highlight(text, ['needle'], 60);
    expect(segments[0]!.text.startsWith('…')).toBe(true);
    expect(segments.at(-1)?.text.endsWith('…')).toBe(true);
    expect(segments.filter((s) => s.match).map((s) => s.text)).toEqual(['needle']);
    expect(segments.map((s) => s.text).join('').length).toBeLessThanOrEqual(62);
  });

  it('returns the text as one plain segment without matches', () => {
    expect(highlight('nothing to see', ['zebra'])).toEqual([{ text: 'nothing to see', match: false }]);
  });
});
