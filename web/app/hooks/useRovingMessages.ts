/**
 * The message list as one tab stop (roving tabindex): one message is tabbable (the last one
 * focused, else the newest); ArrowUp/ArrowDown/Home/End move between messages; a message's own
 * buttons and links join the tab order only while focus is inside that message, so Tab goes
 * from the list to the composer in one step however long the conversation is.
 * Works on the rendered rows (`[data-testid=message]`), re-applied after every render.
 */
import { useCallback, useLayoutEffect, useRef, type FocusEvent, type KeyboardEvent, type RefObject } from 'react';

const ROW = '[data-testid="message"]';
// Media with controls (a voice note's player) are tab stops of their own too, and so is the
// emoji picker's search box while it is open in a message.
const INNER = 'button, a[href], input, select, textarea, audio[controls], video[controls], [tabindex]:not([data-testid="message"])';

const keyOf = (row: Element) => row.getAttribute('data-seq') ?? `c:${row.getAttribute('data-client-id')}`;

export function useRovingMessages(listRef: RefObject<HTMLElement>) {
  const activeKey = useRef<string | null>(null);

  const apply = useCallback(
    (focused: Element | null) => {
      const list = listRef.current;
      if (!list) return;
      const rows = [...list.querySelectorAll<HTMLElement>(ROW)];
      const active = rows.find((r) => keyOf(r) === activeKey.current) ?? rows[rows.length - 1];
      const openRow = focused?.closest(ROW) ?? null;
      for (const row of rows) {
        row.tabIndex = row === active ? 0 : -1;
        const open = row === openRow;
        for (const el of row.querySelectorAll<HTMLElement>(INNER)) el.tabIndex = open ? 0 : -1;
      }
    },
    [listRef],
  );

  // After every render: new messages, or rows re-rendered with their own tabIndex.
  useLayoutEffect(() => apply(document.activeElement));

  const onFocus = useCallback(
    (e: FocusEvent) => {
      const row = (e.target as Element).closest(ROW);
      if (row) activeKey.current = keyOf(row);
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
      if (!target.matches(ROW) || e.altKey || e.ctrlKey || e.metaKey) return;
      const rows = [...(listRef.current?.querySelectorAll<HTMLElement>(ROW) ?? [])];
      const i = rows.indexOf(target);
      const to =
        e.key === 'ArrowUp' ? rows[i - 1] : e.key === 'ArrowDown' ? rows[i + 1] : e.key === 'Home' ? rows[0] : e.key === 'End' ? rows[rows.length - 1] : undefined;
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
