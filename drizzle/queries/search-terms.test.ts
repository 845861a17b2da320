import { describe, expect, it } from 'vitest';
import { matchesSearchQuery, parseSearchQuery, PREFIX_MIN, PREFIX_MIN_LAST } from './search-terms';

const pieces = (q: string) => parseSearchQuery(q).clauses;

describe('parseSearchQuery', () => {
  it('makes the last word a prefix from two letters and every other word from three', () => {
    expect(PREFIX_MIN_LAST).toBe(2);
    expect(PREFIX_MIN).toBe(3);
    expect(pieces('lisb')).toEqual([{ exclude: false, anyOf: [{ kind: 'word', word: 'lisb', prefix: true }] }]);
    expect(pieces('Format ME a').map((c) => c.anyOf[0])).toEqual([
      { kind: 'word', word: 'format', prefix: true },
      { kind: 'word', word: 'me', prefix: false },
      { kind: 'word', word: 'a', prefix: false },
    ]);
    expect(pieces('to be').map((c) => c.anyOf[0])).toEqual([
      { kind: 'word', word: 'to', prefix: false },
      { kind: 'word', word: 'be', prefix: true },
    ]);
  });

  it('keeps phrases, exclusions and punctuated words whole', () => {
    expect(pieces('"crossed the ro" -stripes e-mail')).toEqual([
      { exclude: false, anyOf: [{ kind: 'phrase', text: 'crossed the ro', words: ['crossed', 'the', 'ro'] }] },
      { exclude: true, anyOf: [{ kind: 'phrase', text: 'stripes', words: ['stripes'] }] },
      { exclude: false, anyOf: [{ kind: 'phrase', text: 'e-mail', words: ['e', 'mail'] }] },
    ]);
    // An unclosed quote is a phrase to the end.
    expect(pieces('"half open')).toEqual([{ exclude: false, anyOf: [{ kind: 'phrase', text: 'half open', words: ['half', 'open'] }] }]);
  });

  it('joins the two sides of or, and ignores a stray or', () => {
    expect(pieces('cat or dog fish')).toEqual([
      {
        exclude: false,
        anyOf: [
          { kind: 'word', word: 'cat', prefix: true },
          { kind: 'word', word: 'dog', prefix: true },
        ],
      },
      { exclude: false, anyOf: [{ kind: 'word', word: 'fish', prefix: true }] },
    ]);
    expect(pieces('or cat or')).toEqual([{ exclude: false, anyOf: [{ kind: 'word', word: 'cat', prefix: true }] }]);
  });

  it('drops punctuation-only tokens and never lets tsquery syntax into a word', () => {
    expect(pieces('!!! & |')).toEqual([]);
    expect(pieces("x':* | !y Lisb?")).toEqual([
      { exclude: false, anyOf: [{ kind: 'word', word: 'x', prefix: false }] },
      { exclude: false, anyOf: [{ kind: 'word', word: 'y', prefix: false }] },
      { exclude: false, anyOf: [{ kind: 'word', word: 'lisb', prefix: true }] },
    ]);
  });
});

describe('matchesSearchQuery', () => {
  const matches = (text: string, query: string) => matchesSearchQuery(text, parseSearchQuery(query));

  it('needs every word, the last one as a prefix, in any case', () => {
    expect(matches('See you in Lisbon on Friday', 'lisb')).toBe(true);
    expect(matches('See you in Lisbon on Friday', 'friday LISB')).toBe(true);
    expect(matches('See you in Lisbon on Friday', 'porto lisb')).toBe(false);
    // A short word before the last is whole: "fr" is not a prefix there.
    expect(matches('See you in Lisbon on Friday', 'fr lisbon')).toBe(false);
  });

  it('reads phrases in a row, exclusions and or as the server does', () => {
    expect(matches('the quick brown fox', '"quick brown"')).toBe(true);
    expect(matches('the brown quick fox', '"quick brown"')).toBe(false);
    expect(matches('lunch at noon', 'lunch -dinner')).toBe(true);
    expect(matches('lunch and dinner', 'lunch -dinner')).toBe(false);
    expect(matches('dinner tonight', 'lunch or dinner')).toBe(true);
    expect(matches('breakfast', 'lunch or dinner')).toBe(false);
  });

  it('matches nothing for a query without words', () => {
    expect(matches('anything at all', '?!')).toBe(false);
  });
});
