import { describe, expect, it } from 'vitest';
import { checkReaction, MAX_DISTINCT_REACTIONS } from './reaction-limits';

const full = Array.from({ length: MAX_DISTINCT_REACTIONS }, (_, i) => String.fromCodePoint(0x1f600 + i));

describe('checkReaction', () => {
  it('allows a new emoji below the cap, and one already present at the cap', () => {
    expect(checkReaction(full.slice(1), '🎉', true)).toEqual({ ok: true });
    expect(checkReaction(full, full[3]!, true)).toEqual({ ok: true });
  });

  it('refuses one more distinct emoji at the cap, but never a removal', () => {
    expect(checkReaction(full, '🎉', true).ok).toBe(false);
    expect(checkReaction(full, '🎉', false)).toEqual({ ok: true });
  });
});
