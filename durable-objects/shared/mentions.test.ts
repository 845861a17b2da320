import { describe, expect, it } from 'vitest';
import { mentionAt, mentions } from './mentions';

describe('mentions', () => {
  it('finds @username as a whole word, case-insensitively, but not inside e-mail addresses', () => {
    expect(mentions('hey @Ann_1, look', 'ann_1')).toBe(true);
    expect(mentions('hey @ann_12', 'ann_1')).toBe(false);
    expect(mentions('mail ann_1@ann_1.test', 'ann_1')).toBe(false);
    expect(mentions('@@ann_1', 'ann_1')).toBe(false);
    expect(mentions('(@ann_1)', 'ann_1')).toBe(true);
  });

  it('spots the mention being typed before the caret', () => {
    expect(mentionAt('hello @an', 9)).toEqual({ start: 6, query: 'an' });
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionAt('mail a@b', 8)).toBeNull();
    expect(mentionAt('hello @ann done', 15)).toBeNull();
  });
});
