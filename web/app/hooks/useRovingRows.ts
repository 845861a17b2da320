/**
 * A list as one tab stop (roving tabindex): one row is tabbable (the last one focused, else the
 * row the list names as its start); ArrowUp/ArrowDown/Home/End move between rows; a row's other
 * controls (buttons, links, a voice note's player) join the tab order only while focus is inside
 * that row, so Tab leaves the list in one step however long it is. Used by the message list (the
 * newest message starts) and the conversation list (the open chat starts, else the first).
 * Works on the rendered rows, re-applied after every render.
 */
import { useCallback, useLayoutEffect, useRef, type FocusEvent, type KeyboardEvent, type RefObject } from 'react';

// Media with controls (a voice note's player) are tab stops of their own too, and so is the
// emoji picker's search box while it is open in a message.
const INNER = 'button, a[href], input, select, textarea, audio[controls], video[controls], [tabindex]';

export interface RovingRows {
  /** The elements the arrow keys move between. */
  item: string;
  /** What holds an item and the controls that go with it (the item itself, or e.g. its <li>). */
  group: string;
  /** A key that survives re-renders, to remember the last focused row. */
  keyOf(item: Element): string;
  /** The row that takes the tab stop before any was focused. */
  start(items: HTMLElement[]): HTMLElement | undefined;
}

export function useRovingRows(listRef: RefObject<HTMLElement>, rows: RovingRows) {
  const activeKey = useRef<string | null>(null);
  const config = useRef(rows);
  config.current = rows;

  const apply = useCallback(
    (focused: Element | null) => {
      const list = listRef.current;
      if (!list) return;
      const { item, group, keyOf, start } = config.current;
      const items = [...list.querySelectorAll<HTMLElement>(item)];
      const active = items.find((r) => keyOf(r) === activeKey.current) ?? start(items);
      const openGroup = focused?.closest(group) ?? null;
      for (const el of items) el.tabIndex = el === active ? 0 : -1;
      for (const g of list.querySelectorAll<HTMLElement>(group)) {
        const open = g === openGroup;
        for (const el of g.querySelectorAll<HTMLElement>(INNER)) if (!el.matches(item)) el.tabIndex = open ? 0 : -1;
      }
    },
    [listRef],
  );

  // After every render: new rows, or rows re-rendered with their own tabIndex.
  useLayoutEffect(() => apply(document.activeElement));

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
      const { item, keyOf } = config.current;
      if (!target.matches(item) || e.altKey || e.ctrlKey || e.metaKey) return;
      const items = [...(listRef.current?.querySelectorAll<HTMLElement>(item) ?? [])];
      const i = items.indexOf(target);
      const to =
        e.key === 'ArrowUp' ? items[i - 1] : e.key === 'ArrowDown' ? items[i + 1] : e.key === 'Home' ? items[0] : e.key === 'End' ? items[items.length - 1] : undefined;
      if (e.key === 'ArrowUp' || e.key === 'ArrowDown' || e.key === 'Home' || e.key === 'End') e.preventDefault();
      if (!to) return;
      activeKey.current = keyOf(to);
      apply(to);
      to.focus();
    },
    [apply, listRef],
  );

  return { onFocus, onBlur, onKeyDown };
}
