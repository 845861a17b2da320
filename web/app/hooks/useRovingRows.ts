/**
 * A list as one tab stop (roving tabindex): one row is tabbable (the last one focused, else the
 * row the list names as its start); ArrowUp/ArrowDown/Home/End move between rows; a row's other
 * controls (buttons, links, a voice note's player) join the tab order only while focus is inside
 * that row, so Tab leaves the list in one step however long it is. Used by the message list (the
 * newest message starts) and the conversation list (the open chat starts, else the first).
 * Works on the rendered rows, re-applied after every render; a virtualised list moves focus to
 * rows not rendered yet through `move`. A focused row that is removed (scrolled out of a
 * virtualised list's window, a chat archived) leaves the focus on the list itself (it needs
 * tabIndex -1), not on the page; an arrow key there brings that row back (`bring`) and focuses it.
 */
import { useCallback, useLayoutEffect, useRef, type FocusEvent, type KeyboardEvent, type RefObject } from 'react';

// Media with controls (a voice note's player) are tab stops of their own too, and so is the
// emoji picker's search box while it is open in a message.
const INNER = 'button, a[href], input, select, textarea, audio[controls], video[controls], [tabindex]';
/** The controls inside any `group` of the list. */
const INNER_OF = (group: string) => `:is(${group}) :is(${INNER})`;

export interface RovingRows {
  /** The elements the arrow keys move between. */
  item: string;
  /** What holds an item and the controls that go with it (the item itself, or e.g. its <li>). */
  group: string;
  /** A key that survives re-renders, to remember the last focused row. */
  keyOf(item: Element): string;
  /** The row that takes the tab stop before any was focused. */
  start(items: HTMLElement[]): HTMLElement | undefined;
  /**
   * Moves focus itself for a key (ArrowUp/ArrowDown/Home/End) where the rendered rows are not
   * all the rows (a virtualised list); true if it did. Absent or false: the rendered rows.
   */
  move?(from: HTMLElement, key: MoveKey): boolean;
  /** Renders the row with `key` (from `keyOf`) if it is not, and focuses it; true if it will. */
  bring?(key: string): boolean;
}

/**
 * Runs after every render of a list: writing only what changes leaves the rows' attributes (and
 * styles) alone. Compared with the attribute, not the `tabIndex` property: a row without the
 * attribute reads -1 already, yet only `tabindex="-1"` lets the arrow keys focus it.
 */
function setTabIndex(el: HTMLElement, value: number) {
  if (el.getAttribute('tabindex') !== String(value)) el.tabIndex = value;
}

type MoveKey = 'ArrowUp' | 'ArrowDown' | 'Home' | 'End';
const isMoveKey = (key: string): key is MoveKey => key === 'ArrowUp' || key === 'ArrowDown' || key === 'Home' || key === 'End';

export function useRovingRows(listRef: RefObject<HTMLElement>, rows: RovingRows) {
  const activeKey = useRef<string | null>(null);
  const config = useRef(rows);
  config.current = rows;

  /** The rendered row that holds the list's tab stop: the last focused one, else the start. */
  const tabStopOf = useCallback((items: HTMLElement[]) => {
    const { keyOf, start } = config.current;
    return items.find((r) => keyOf(r) === activeKey.current) ?? start(items);
  }, []);

  const apply = useCallback(
    (focused: Element | null) => {
      const list = listRef.current;
      if (!list) return;
      const { item, group } = config.current;
      const items = [...list.querySelectorAll<HTMLElement>(item)];
      const active = tabStopOf(items);
      const openGroup = focused?.closest(group) ?? null;
      for (const el of items) setTabIndex(el, el === active ? 0 : -1);
      // One query for every row's controls (not one per row): this runs after every render.
      for (const el of list.querySelectorAll<HTMLElement>(INNER_OF(group))) {
        if (!el.matches(item)) setTabIndex(el, openGroup?.contains(el) ? 0 : -1);
      }
    },
    [listRef, tabStopOf],
  );

  // After every render: new rows, or rows re-rendered with their own tabIndex.
  useLayoutEffect(() => apply(document.activeElement));

  // A focused row removed from the DOM drops the focus to the page, where the keyboard loses its
  // place. Chrome fires focusout while the row is still connected: look once the removal is done.
  useLayoutEffect(() => {
    const list = listRef.current;
    if (!list) return;
    const onFocusOut = (e: globalThis.FocusEvent) => {
      const left = e.target as Element;
      if (e.relatedTarget || !left.closest(config.current.group)) return;
      queueMicrotask(() => {
        const active = document.activeElement;
        if (!left.isConnected && list.isConnected && (!active || active === document.body)) list.focus({ preventScroll: true });
      });
    };
    list.addEventListener('focusout', onFocusOut);
    return () => list.removeEventListener('focusout', onFocusOut);
  }, [listRef]);

  const onFocus = useCallback(
    (e: FocusEvent) => {
      const { item, group, keyOf } = config.current;
      const row = (e.target as Element).closest(group);
      const focusedItem = row && (row.matches(item) ? row : row.querySelector(item));
      if (focusedItem) activeKey.current = keyOf(focusedItem);
      apply(e.target as Element);
    },
    [apply],
  );

  const onBlur = useCallback(
    (e: FocusEvent) => {
      const next = e.relatedTarget as Element | null;
      if (!next || !listRef.current?.contains(next)) apply(null);
    },
    [apply, listRef],
  );

  const onKeyDown = useCallback(
    (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      const { item, keyOf, move, bring } = config.current;
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      if (target === listRef.current && isMoveKey(e.key)) {
        // The focus was left on the list when its row went: back to that row, else the start.
        e.preventDefault();
        if (activeKey.current !== null && bring?.(activeKey.current)) return;
        tabStopOf([...target.querySelectorAll<HTMLElement>(item)])?.focus();
        return;
      }
      if (!target.matches(item)) return;
      if (isMoveKey(e.key) && move?.(target, e.key)) {
        e.preventDefault();
        return;
      }
      const items = [...(listRef.current?.querySelectorAll<HTMLElement>(item) ?? [])];
      const i = items.indexOf(target);
      const to =
        e.key === 'ArrowUp' ? items[i - 1] : e.key === 'ArrowDown' ? items[i + 1] : e.key === 'Home' ? items[0] : e.key === 'End' ? items[items.length - 1] : undefined;
      if (isMoveKey(e.key)) e.preventDefault();
      if (!to) return;
      activeKey.current = keyOf(to);
      apply(to);
      to.focus();
    },
    [apply, listRef, tabStopOf],
  );

  return { onFocus, onBlur, onKeyDown };
}
