/**
 * The choice of how search reads rooms (search-plan.ts), from the estimates Postgres gave in the
 * bench at 1M messages (docs/performance.md, "Prefix search: reading rooms backwards"), where
 * each case was also timed both ways.
 */
import { describe, expect, it } from 'vitest';
import { planFor, prefixesOf } from './search-plan';

const rows = 1_000_000;
const page = 21;

describe('planFor', () => {
  it('reads rooms backwards where GIN would collect far more than a page costs to read, and leaves the rest to the planner', () => {
    // Rare prefixes: backward would read every row of my rooms (15 s for needl, 5.9 s for w500).
    expect(planFor({ matches: 800, prefixEntries: 800, rows }, page)).toBe('planner');
    expect(planFor({ matches: 2_309, prefixEntries: 2_309, rows }, page)).toBe('planner');
    // Medium and common prefixes: GIN repeats the partial match per room (2.6 s and 12.8 s for w50 and w20 w30).
    expect(planFor({ matches: 35_390, prefixEntries: 35_390, rows }, page)).toBe('backward');
    expect(planFor({ matches: 3_199, prefixEntries: 114_778, rows }, page)).toBe('backward');
    expect(planFor({ matches: 773_022, prefixEntries: 773_022, rows }, page)).toBe('backward');
    // No match expected at all: never backward (it would read everything).
    expect(planFor({ matches: 0, prefixEntries: 0, rows }, page)).toBe('planner');
  });
});

describe('prefixesOf', () => {
  it('lists the prefix words only: not whole words, phrases or exclusions', () => {
    expect(prefixesOf('lisb "whole" -tomorrow "a phrase" or fo').map((p) => p.kind === 'word' && p.word)).toEqual(['lisb', 'fo']);
    expect(prefixesOf('"w1 w2"')).toEqual([]);
    expect(prefixesOf('a')).toEqual([]);
  });
});
