/**
 * A button's pop-up menu (role="menu"): open/closed state, closing on a click outside or on
 * Escape (focus back on the button), and ArrowUp/ArrowDown/Home/End between its items.
 * Used by the header's mute menu and a conversation's options in the list.
 */
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';

export function usePopupMenu<T extends HTMLElement = HTMLDivElement>() {
  const [open, setOpen] = useState(false);
  const ref = useRef<T>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const onKeyDown = useCallback((e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      if (!ref.current?.querySelector('[role=menu]')) return;
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
      ref.current.querySelector<HTMLElement>('[aria-haspopup=menu]')?.focus();
      return;
    }
    const items = [...(ref.current?.querySelectorAll<HTMLElement>('[role=menuitem]') ?? [])];
    const i = items.indexOf(e.target as HTMLElement);
    if (i < 0) return;
    const to = e.key === 'ArrowDown' ? items[(i + 1) % items.length] : e.key === 'ArrowUp' ? items[(i - 1 + items.length) % items.length] : e.key === 'Home' ? items[0] : e.key === 'End' ? items.at(-1) : undefined;
    if (!to) return;
    e.preventDefault();
    to.focus();
  }, []);

  return { open, setOpen, ref, onKeyDown };
}
