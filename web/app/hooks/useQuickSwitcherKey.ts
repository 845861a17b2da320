/**
 * Ctrl+K (⌘K on a Mac) opens the quick switcher from anywhere in the chat shell, the composer
 * included (the browser's own use of the keys gives way). Ignored while another modal dialog is
 * open: that dialog has the user's attention (and the switcher's own dialog is one).
 */
import { useEffect } from 'react';

export function useQuickSwitcherKey(open: () => void) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey || e.key.toLowerCase() !== 'k') return;
      e.preventDefault();
      if (!document.querySelector('dialog[open]')) open();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
}
