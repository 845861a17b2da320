/**
 * A <dialog> shown modal while the component is mounted: focus moves into it (the
 * browser's own focus trap) and returns to whatever had it before when it closes.
 */
import { useEffect, useRef } from 'react';

export function useModalDialog() {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement as HTMLElement | null;
    dialog.showModal();
    return () => {
      dialog.close();
      opener?.focus();
    };
  }, []);
  return ref;
}
