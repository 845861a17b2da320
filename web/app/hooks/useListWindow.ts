/**
 * Virtualises a scrolling list whose rows are keyed by ascending numbers (a chat's message seqs,
 * on `data-seq` of each row, a direct child of the list): only the rows near the screen are
 * rendered; the others stand in as the list's top and bottom padding, sized from measured
 * heights. The first row on screen stays where it is whenever anything above it changes (older
 * pages prepended, the window moving, a height corrected, an image loading), and the list
 * follows the newest row while it is at the bottom. `reveal` brings any row into the window and
 * places it after it has rendered (a jump, a keyboard move); it is tied to the render that
 * carries it, so a scroll or a page arriving in between cannot make it miss.
 */
import { useCallback, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { flushSync } from 'react-dom';
import { nextPin, rowAt, RowHeights, rowOffsets, windowRange, type WindowAnchor } from '../lib/list-window';

/** Within this of the end counts as at the bottom (and follows new rows). */
const BOTTOM_SLACK_PX = 80;
const ROWS = ':scope > [data-seq]';

/** Puts a rendered row where it should be (scrolling `scroller`). */
export type Place = (scroller: HTMLElement, row: HTMLElement) => void;

interface Reveal {
  id: number;
  key: number;
  place: Place;
  resolve(row: HTMLElement | null): void;
  tries: number;
}

export function useListWindow(scrollRef: RefObject<HTMLElement>, listRef: RefObject<HTMLElement>, keys: readonly number[], tailSelector: string) {
  /** The row on screen the window was last pinned to; null: the newest rows. */
  const [anchor, setAnchor] = useState<WindowAnchor | null>(null);
  const [version, setVersion] = useState(0);
  const [revealId, setRevealId] = useState(0);
  const [atBottom, setAtBottom] = useState(true);
  const heights = useMemo(() => new RowHeights(), []);
  const offsets = useMemo(() => rowOffsets(keys, heights), [keys, heights, version]); // eslint-disable-line react-hooks/exhaustive-deps
  const range = windowRange(keys, anchor);
  const n = keys.length;
  const padTop = offsets[range.start]!;
  const padBottom = offsets[n]! - offsets[range.end]!;

  const latest = useRef({ keys, offsets, range, anchor, padBottom });
  latest.current = { keys, offsets, range, anchor, padBottom };
  const atBottomRef = useRef(true);
  /** The first row on screen and its distance from the top of the scroller, as last seen. */
  const saved = useRef<{ key: number; top: number } | null>(null);
  const pendingReveal = useRef<Reveal | null>(null);

  const rowEl = useCallback((key: number) => listRef.current?.querySelector<HTMLElement>(`:scope > [data-seq="${key}"]`) ?? null, [listRef]);

  const record = useCallback(() => {
    const el = scrollRef.current;
    const list = listRef.current;
    if (!el || !list) return;
    const top = el.getBoundingClientRect().top;
    const listTop = list.getBoundingClientRect().top;
    const { keys: k, offsets: o, range: r } = latest.current;
    // The padding that stands for the rows not rendered shows at the top (a jump of scrollTop, a
    // fling): the first row on screen is one of those, where the estimated offsets put it.
    // Keeping a rendered row below it still instead would scroll the top of the list (and the
    // history sentinel) away again once the rows above render taller than guessed.
    if (r.start > 0 && k.length && listTop + (parseFloat(list.style.paddingTop) || 0) > top + 1) {
      const y = top - listTop;
      const at = rowAt(o, y);
      saved.current = { key: k[at]!, top: o[at]! - y };
      return;
    }
    for (const row of list.querySelectorAll<HTMLElement>(ROWS)) {
      const box = row.getBoundingClientRect();
      if (box.bottom > top) {
        saved.current = { key: Number(row.dataset.seq), top: box.top - top };
        return;
      }
    }
    saved.current = null;
  }, [scrollRef, listRef]);

  /**
   * scrollTop as last seen by a scroll event or set here. Anything else is a scroll whose event
   * has not come yet (it comes with the next frame): a render in between must neither pull the
   * list back to the bottom nor put the first row back, or a scroll just made is undone.
   */
  const seenTop = useRef(0);

  /** Scrolls so the saved first row is back where it was (less what was scrolled since it was saved). */
  const restore = useCallback((scrolledBy = 0) => {
    const el = scrollRef.current;
    const s = saved.current;
    const row = s && rowEl(s.key);
    if (!el || !s || !row) return;
    const delta = row.getBoundingClientRect().top - el.getBoundingClientRect().top - (s.top - scrolledBy);
    if (Math.abs(delta) >= 0.5) el.scrollTop += delta;
  }, [scrollRef, rowEl]);

  /** Which rows were rendered when they were last measured (first key, last key, count). */
  const measuredRows = useRef('');

  /**
   * Heights of the rendered rows (each up to the next, so separators count with the row above).
   * After a render that rendered the same rows (a page arriving above the window, a height
   * learnt, a flag), there is nothing new to learn unless `always`: a row that changed height
   * changed the list's, and the ResizeObserver measures with `always`. Reading every row's box
   * forces a layout, and this runs after every render.
   */
  const measure = useCallback((always: boolean) => {
    const list = listRef.current;
    // Not laid out (a hidden pane): nothing to learn.
    if (!list || !list.getClientRects().length) return;
    const { keys: k, range: r } = latest.current;
    const rendered = `${k[r.start]}:${k[r.end - 1]}:${r.end - r.start}`;
    if (!always && rendered === measuredRows.current) return;
    measuredRows.current = rendered;
    const rows = [...list.querySelectorAll<HTMLElement>(ROWS)];
    const tail = list.querySelector<HTMLElement>(`:scope > ${tailSelector}`);
    const end = tail ? tail.getBoundingClientRect().top : list.getBoundingClientRect().bottom - latest.current.padBottom;
    let changed = false;
    let top = rows[0]?.getBoundingClientRect().top ?? 0;
    rows.forEach((row, i) => {
      const next = rows[i + 1]?.getBoundingClientRect().top ?? end;
      if (next > top && heights.set(Number(row.dataset.seq), next - top)) changed = true;
      top = next;
    });
    if (changed) setVersion((v) => v + 1);
  }, [listRef, tailSelector, heights]);

  const updateBottom = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    const { range: r, keys: k } = latest.current;
    const bottom = r.end === k.length && el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK_PX;
    atBottomRef.current = bottom;
    setAtBottom(bottom);
  }, [scrollRef]);

  /** After the list was placed: learn the rendered heights, the first row on screen and where it is scrolled. */
  const remember = useCallback(
    (el: HTMLElement, always: boolean) => {
      measure(always);
      record();
      seenTop.current = el.scrollTop;
    },
    [measure, record],
  );

  /** Follows the bottom or keeps the first row still, unless a scroll not yet handled says otherwise. */
  const settle = useCallback(
    (el: HTMLElement, always: boolean) => {
      const scrolledBy = el.scrollTop - seenTop.current;
      if (Math.abs(scrolledBy) > 1) {
        restore(scrolledBy);
        updateBottom();
      } else if (atBottomRef.current) el.scrollTop = el.scrollHeight;
      else restore();
      remember(el, always);
    },
    [restore, updateBottom, remember],
  );

  // After every render: place a revealed row, else follow the bottom or keep the first row still.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const p = pendingReveal.current;
    if (p && p.id === revealId) {
      const row = keys.includes(p.key) ? rowEl(p.key) : null;
      if (!row && keys.includes(p.key) && p.tries < 3) {
        // Moved away by a scroll in between: ask again.
        p.tries += 1;
        p.id += 1;
        setAnchor({ key: p.key, pin: 'first' });
        setRevealId(p.id);
      } else {
        pendingReveal.current = null;
        if (row) {
          atBottomRef.current = false;
          p.place(el, row);
          updateBottom();
        }
        p.resolve(row);
      }
      remember(el, true);
    } else settle(el, false);
  });

  // A resize (the phone keyboard, an image loading, the window): follow the bottom or keep the first row still.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const list = listRef.current;
    if (!el || !list || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => settle(el, true));
    ro.observe(el);
    ro.observe(list);
    return () => ro.disconnect();
  }, [scrollRef, listRef, settle]);

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    const list = listRef.current;
    if (!el || !list) return;
    seenTop.current = el.scrollTop;
    updateBottom();
    record();
    if (pendingReveal.current) return;
    const { keys: k, offsets: o, range: r, anchor: a } = latest.current;
    if (!k.length) return;
    if (atBottomRef.current) {
      if (a !== null) flushSync(() => setAnchor(null));
      return;
    }
    const y = el.scrollTop - (list.getBoundingClientRect().top - el.getBoundingClientRect().top + el.scrollTop);
    const first = rowAt(o, y);
    const last = rowAt(o, y + el.clientHeight);
    // Off the rendered rows altogether (a fling, the scrollbar dragged): around the first row on screen.
    const pin = first >= r.end || last < r.start ? 'first' : nextPin(r, first, last, k.length);
    if (pin) flushSync(() => setAnchor({ key: k[pin === 'first' ? first : last]!, pin }));
  }, [scrollRef, listRef, updateBottom, record]);

  /** Renders the row with `key` and places it; resolves with its element (null: no such row). */
  const reveal = useCallback((key: number, place: Place): Promise<HTMLElement | null> => {
    pendingReveal.current?.resolve(null);
    return new Promise((resolve) => {
      const id = Date.now() + Math.random();
      pendingReveal.current = { id, key, place, resolve, tries: 0 };
      setAnchor({ key, pin: 'first' });
      setRevealId(id);
    });
  }, []);

  /** To the newest row, following it from now on. */
  const toBottom = useCallback(() => {
    const el = scrollRef.current;
    atBottomRef.current = true;
    setAtBottom(true);
    setAnchor(null);
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    seenTop.current = el.scrollTop;
  }, [scrollRef]);

  return { range, padTop, padBottom, atBottom, atBottomRef, onScroll, reveal, toBottom, windowed: anchor !== null };
}
