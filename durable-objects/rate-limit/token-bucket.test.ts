import { describe, expect, it } from 'vitest';
import { TokenBucket, parseRateSpec } from './token-bucket';

describe('TokenBucket', () => {
  it('allows a burst, then the sustained rate, and says when to retry', () => {
    const bucket = new TokenBucket({ burst: 3, perMinute: 60 }, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)].every((r) => r.ok)).toBe(true);
    expect(bucket.take(0)).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(bucket.take(999).ok).toBe(false);
    expect(bucket.take(1000).ok).toBe(true);
    expect(bucket.isFull(1000)).toBe(false);
    expect(bucket.isFull(4000)).toBe(true);
  });

  it('never refills beyond the burst', () => {
    const bucket = new TokenBucket({ burst: 2, perMinute: 600 }, 0);
    const results = [bucket.take(60_000), bucket.take(60_000), bucket.take(60_000)];
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
  });

  it('takes a cost (bytes) and gives back what an action that did not count took', () => {
    const bucket = new TokenBucket({ burst: 100, perMinute: 60 }, 0);
    expect(bucket.take(0, 80).ok).toBe(true);
    expect(bucket.take(0, 30)).toEqual({ ok: false, retryAfterMs: 10_000 });
    bucket.giveBack(0, 80);
    expect(bucket.take(0, 100).ok).toBe(true);
    bucket.giveBack(0, 500);
    expect(bucket.take(0, 100).ok).toBe(true);
    expect(bucket.take(0, 1)).toEqual({ ok: false, retryAfterMs: 1000 });
  });
});

describe('parseRateSpec', () => {
  it('reads the configuration form and names the fix when it is wrong', () => {
    expect(parseRateSpec('X', 'burst=10, perMinute=30')).toEqual({ burst: 10, perMinute: 30 });
    expect(() => parseRateSpec('ROOM_RATE_LIMIT', '10 per minute')).toThrow(/ROOM_RATE_LIMIT must look like/);
  });
});
