/**
 * The arithmetic of a virtualised list: which rows to render around an anchor row, and where
 * each row would sit (measured heights where a row has been on screen, the average of those
 * elsewhere). Plain functions over arrays, so the list component keeps only DOM work.
 */

/**
 * Rows rendered in all (the bound on the DOM), and of those, how many lie ahead of the screen in
 * the direction the window last moved. The window is pinned to a row on screen: scrolling back,
 * to the first one ([first - LEAD_ROWS, first - LEAD_ROWS + WINDOW_ROWS)); scrolling forward, to
 * the last one. Either way it moves again once EDGE_ROWS are left ahead, so each move renders
 * about LEAD_ROWS - EDGE_ROWS new rows in the direction of travel. Pinned to the first row only,
 * a forward move rendered all the rows below the screen at once (~40: a frame that missed its
 * vsync twice over).
 */
export const WINDOW_ROWS = 80;
export const LEAD_ROWS = 20;
/** At the newest end: this many of the newest rows. */
export const TAIL_ROWS = 60;
/** Re-window once fewer rows than this are left rendered beyond either edge of the screen. */
export const EDGE_ROWS = 8;
/** A row's height before any row was measured. */
const FIRST_GUESS_PX = 64;

/** Heights by row key (a message's seq), and their average for rows never rendered. */
export class RowHeights {
  private readonly byKey = new Map<number, number>();
  private total = 0;

  /** Records a measurement; true if it changed what was known (by a pixel or more). */
  set(key: number, px: number): boolean {
    const old = this.byKey.get(key);
    if (old !== undefined && Math.abs(old - px) < 1) return false;
    this.total += px - (old ?? 0);
    this.byKey.set(key, px);
    return true;
  }

  get(key: number): number {
    return this.byKey.get(key) ?? (this.byKey.size ? this.total / this.byKey.size : FIRST_GUESS_PX);
  }
}

/** offsets[i]: the top of row i from the top of the list; offsets[n]: the list's height. */
export function rowOffsets(keys: readonly number[], heights: RowHeights): Float64Array {
  const offsets = new Float64Array(keys.length + 1);
  for (let i = 0; i < keys.length; i++) offsets[i + 1] = offsets[i]! + heights.get(keys[i]!);
  return offsets;
}

/** The row at `y` px from the top of the list (clamped to the rows there are). */
export function rowAt(offsets: Float64Array, y: number): number {
  const n = offsets.length - 1;
  if (n <= 0) return 0;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Index of `key` in ascending `keys`, or of the first key above it (keys.length if none). */
export function indexOfKey(keys: readonly number[], key: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A row the window is pinned to: the first row on screen (scrolling back, a jump) or the last (scrolling forward). */
export interface WindowAnchor {
  key: number;
  pin: 'first' | 'last';
}

/** The rows to render: around the anchor's row, or the newest ones (anchor null). */
export function windowRange(keys: readonly number[], anchor: WindowAnchor | null): { start: number; end: number } {
  const n = keys.length;
  if (anchor === null) return { start: Math.max(0, n - TAIL_ROWS), end: n };
  const at = Math.min(indexOfKey(keys, anchor.key), n - 1);
  const start = anchor.pin === 'first' ? at - LEAD_ROWS : at + 1 + LEAD_ROWS - WINDOW_ROWS;
  return { start: Math.max(0, start), end: Math.min(n, start + WINDOW_ROWS) };
}

/**
 * Whether the rows on screen (first..last) have come too close to an edge of what is rendered,
 * and if so which row on screen to pin the next window to: the first near the top edge, the last
 * near the bottom one. Null: the window can stay.
 */
export function nextPin(range: { start: number; end: number }, first: number, last: number, n: number): WindowAnchor['pin'] | null {
  if (range.start > 0 && first - range.start < EDGE_ROWS) return 'first';
  if (range.end < n && range.end - 1 - last < EDGE_ROWS) return 'last';
  return null;
}
