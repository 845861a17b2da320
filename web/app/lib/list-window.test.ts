import { describe, expect, it } from 'vitest';
import { indexOfKey, LEAD_ROWS, nextPin, rowAt, RowHeights, rowOffsets, TAIL_ROWS, WINDOW_ROWS, windowRange, type WindowAnchor } from './list-window';

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
      for (const pin of ['first', 'last'] as const) {
        const mid = windowRange(k, { key: k[Math.floor(n / 2)]!, pin });
        expect(mid.end - mid.start).toBeLessThanOrEqual(WINDOW_ROWS);
        expect(mid.start).toBeLessThanOrEqual(Math.floor(n / 2));
        expect(mid.end).toBeGreaterThan(Math.floor(n / 2));
      }
    }
    // An anchor that has gone (deleted) windows around where it was.
    expect(windowRange([1, 2, 5, 6], { key: 4, pin: 'first' })).toEqual({ start: 0, end: 4 });
  });

  it('keeps the lead rows ahead of the pinned row, before the first or after the last', () => {
    const k = keys(1000);
    expect(windowRange(k, { key: k[500]!, pin: 'first' })).toEqual({ start: 500 - LEAD_ROWS, end: 500 - LEAD_ROWS + WINDOW_ROWS });
    expect(windowRange(k, { key: k[500]!, pin: 'last' })).toEqual({ start: 501 + LEAD_ROWS - WINDOW_ROWS, end: 501 + LEAD_ROWS });
  });

  it('asks for a new window only near an edge that has rows beyond it, pinned to the row on that side', () => {
    expect(nextPin({ start: 100, end: 180 }, 120, 130, 1000)).toBe(null);
    expect(nextPin({ start: 100, end: 180 }, 103, 130, 1000)).toBe('first');
    expect(nextPin({ start: 100, end: 180 }, 150, 175, 1000)).toBe('last');
    expect(nextPin({ start: 0, end: 180 }, 0, 10, 1000)).toBe(null);
    expect(nextPin({ start: 920, end: 1000 }, 980, 999, 1000)).toBe(null);
  });

  // The list's onScroll, row by row over 1,000 rows with 12 on screen: how many rows each move of
  // the window renders that were not rendered before. A move renders its rows in one frame.
  function newRowsPerMove(direction: 1 | -1): number[] {
    const k = keys(1000);
    const onScreen = 12;
    let first = direction === 1 ? 0 : 1000 - onScreen;
    let range = windowRange(k, { key: k[first]!, pin: 'first' });
    const added: number[] = [];
    for (let step = 0; step < 900; step++) {
      first += direction;
      const last = first + onScreen - 1;
      const pin = nextPin(range, first, last, k.length);
      if (!pin) continue;
      const next = windowRange(k, { key: k[pin === 'first' ? first : last]!, pin });
      added.push(Math.max(0, next.end - Math.max(range.end, next.start)) + Math.max(0, Math.min(range.start, next.end) - next.start));
      range = next;
      expect(first >= range.start && last < range.end).toBe(true);
    }
    return added;
  }

  it('moves the window in small steps whichever way the list scrolls', () => {
    const forward = newRowsPerMove(1);
    const back = newRowsPerMove(-1);
    expect(forward.length).toBeGreaterThan(20);
    expect(back.length).toBeGreaterThan(20);
    // Each move renders what the lead lost on the way: LEAD_ROWS less the EDGE_ROWS left, plus one.
    expect(Math.max(...forward)).toBeLessThanOrEqual(LEAD_ROWS - 6);
    expect(Math.max(...back)).toBeLessThanOrEqual(LEAD_ROWS - 6);
  });
});
