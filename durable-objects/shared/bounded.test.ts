import { describe, expect, it } from 'vitest';
import { settleBounded } from './bounded';

describe('settleBounded', () => {
  it('never runs more than the limit at once, and settles every item in order', async () => {
    let running = 0;
    let most = 0;
    const items = Array.from({ length: 25 }, (_, i) => i);
    const results = await settleBounded(items, 4, async (i) => {
      running++;
      most = Math.max(most, running);
      await Promise.resolve();
      await new Promise((r) => setImmediate(r));
      running--;
      if (i % 7 === 3) throw new Error(`item ${i}`);
      return i * 2;
    });
    expect(most).toBe(4);
    expect(results).toHaveLength(25);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 0 });
    expect(results[3]).toMatchObject({ status: 'rejected' });
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(4);
  });

  it('settles an empty list at once', async () => {
    expect(await settleBounded([], 8, async () => 1)).toEqual([]);
  });
});
