import { describe, expect, it } from 'vitest';
import { highlight, queryTerms, snippet } from './search-text';

describe('queryTerms', () => {
  it('takes the words of the query, lower-case, without exclusions or the or operator; plain words are prefixes', () => {
    expect(queryTerms('Hello "big World" -skip or Ünïcode')).toEqual([
      { word: 'hello', prefix: true },
      { word: 'big', prefix: false },
      { word: 'world', prefix: false },
      { word: 'ünïcode', prefix: true },
    ]);
    expect(queryTerms('-"not this" that')).toEqual([{ word: 'that', prefix: true }]);
    expect(queryTerms('!!!')).toEqual([]);
  });
});

describe('highlight', () => {
  it('marks whole words and words starting with a prefix term, case-insensitively, and keeps every other character as text', () => {
    const terms = [
      { word: 'hello', prefix: false },
      { word: 'lisb', prefix: true },
    ];
    expect(highlight('<b>Hello</b> hello-world hellothere LISBON', terms)).toEqual([
      { text: '<b>', match: false },
      { text: 'Hello', match: true },
      { text: '</b> ', match: false },
      { text: 'hello', match: true },
      { text: '-world hellothere ', match: false },
      { text: 'LISBON', match: true },
    ]);
  });

  it('returns the text as one plain segment without matches', () => {
    expect(highlight('nothing to see', [{ word: 'zebra', prefix: true }])).toEqual([{ text: 'nothing to see', match: false }]);
    expect(highlight('', [])).toEqual([{ text: '', match: false }]);
  });
});

describe('snippet', () => {
  it('cuts long text around the first match', () => {
    const text = `${'a '.repeat(200)}needles${' b'.repeat(200)}`;
    const cut = snippet(text, [{ word: 'needle', prefix: true }], 60);
    expect(cut.startsWith('…')).toBe(true);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut).toContain('needles');
    expect(cut.length).toBeLessThanOrEqual(62);
  });

  it('keeps short text whole', () => {
    expect(snippet('short **text**', [{ word: 'text', prefix: false }])).toBe('short **text**');
  });
});
