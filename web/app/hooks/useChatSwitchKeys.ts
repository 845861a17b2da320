/**
 * Alt+ArrowUp / Alt+ArrowDown: the previous or next conversation of the list, from anywhere in
 * the chat shell (the composer too), in the order the list shows (pinned first; the Archived
 * view when it is open). Wraps around at the ends.
 */
import { useNavigate } from '@remix-run/react';
import { useEffect } from 'react';

const ITEM = '[data-testid="conversation-item"]';

export function useChatSwitchKeys(roomId: string | undefined) {
  const navigate = useNavigate();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
      const ids = [...document.querySelectorAll<HTMLElement>(ITEM)].map((el) => el.dataset.roomId).filter((id): id is string => Boolean(id));
      if (!ids.length) return;
      e.preventDefault();
      const at = roomId ? ids.indexOf(roomId) : -1;
      const step = e.key === 'ArrowDown' ? 1 : -1;
      const next = at < 0 ? (step > 0 ? ids[0] : ids.at(-1)) : ids[(at + step + ids.length) % ids.length];
      if (next && next !== roomId) navigate(`/chat/${next}`);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [roomId, navigate]);
}
