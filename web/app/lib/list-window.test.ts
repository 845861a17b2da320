import { describe, expect, it } from 'vitest';
import { indexOfKey, nearWindowEdge, rowAt, RowHeights, rowOffsets, ROWS_ABOVE, ROWS_BELOW, TAIL_ROWS, windowRange } from './list-window';

const keys = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);

describe('list window', () => {
  it('estimates unmeasured rows by the average of the measured ones', () => {
    const h = new RowHeights();
    expect(h.set(1, 40)).toBe(true);
    expect(h.set(2, 80)).toBe(true);
    expect(h.set(2, 80.4)).toBe(false);
    expect(h.get(99)).toBe(60);
    expect([...rowOffsets([1, 2, 3], h)]).toEqual([0, 40, 120, 180]);
  });

  it('finds the row at a height, clamped to the list', () => {
    const h = new RowHeights();
    [1, 2, 3].forEach((k) => h.set(k, 10 * k));
    const offsets = rowOffsets([1, 2, 3], h); // 0, 10, 30, 60
    expect(rowAt(offsets, -5)).toBe(0);
    expect(rowAt(offsets, 9.9)).toBe(0);
    expect(rowAt(offsets, 10)).toBe(1);
    expect(rowAt(offsets, 59)).toBe(2);
    expect(rowAt(offsets, 500)).toBe(2);
    expect(rowAt(rowOffsets([], h), 0)).toBe(0);
  });

  it('finds a key among ascending keys with gaps', () => {
    expect(indexOfKey([2, 4, 9], 4)).toBe(1);
    expect(indexOfKey([2, 4, 9], 5)).toBe(2);
    expect(indexOfKey([2, 4, 9], 10)).toBe(3);
  });

  it('renders a bounded window whatever the length', () => {
    for (const n of [10, 300, 3000]) {
      const k = keys(n);
      const tail = windowRange(k, null);
      expect(tail.end).toBe(n);
      expect(tail.end - tail.start).toBe(Math.min(n, TAIL_ROWS));
      const mid = windowRange(k, k[Math.floor(n / 2)]!);
      expect(mid.end - mid.start).toBeLessThanOrEqual(ROWS_ABOVE + ROWS_BELOW);
      expect(mid.start).toBeLessThanOrEqual(Math.floor(n / 2));
      expect(mid.end).toBeGreaterThan(Math.floor(n / 2));
    }
    // An anchor that has gone (deleted) windows around where it was.
    expect(windowRange([1, 2, 5, 6], 4)).toEqual({ start: 0, end: 4 });
  });

  it('asks for a new window only near an edge that has rows beyond it', () => {
    expect(nearWindowEdge({ start: 100, end: 180 }, 120, 130, 1000)).toBe(false);
    expect(nearWindowEdge({ start: 100, end: 180 }, 103, 130, 1000)).toBe(true);
    expect(nearWindowEdge({ start: 100, end: 180 }, 150, 175, 1000)).toBe(true);
    expect(nearWindowEdge({ start: 0, end: 180 }, 0, 10, 1000)).toBe(false);
    expect(nearWindowEdge({ start: 920, end: 1000 }, 980, 999, 1000)).toBe(false);
  });
});
