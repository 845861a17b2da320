/**
 * Alt+ArrowUp / Alt+ArrowDown: the previous or next conversation of the list, from anywhere in
 * the chat shell (the composer too), in the order the list shows (pinned first; the Archived
 * view when it is open). Wraps around at the ends.
 */
import { useNavigate } from '@remix-run/react';
import { useEffect, useRef } from 'react';

const ITEM = '[data-testid="conversation-item"]';

export function useChatSwitchKeys(roomId: string | undefined) {
  const navigate = useNavigate();
  // Where the last press went. A quick second press may come before that navigation has
  // rendered (the effect below still holds the old room): it steps on from there instead of
  // repeating the same step.
  const heading = useRef<string | undefined>(undefined);
  const current = useRef(roomId);
  current.current = roomId;
  if (heading.current === roomId) heading.current = undefined;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
      const ids = [...document.querySelectorAll<HTMLElement>(ITEM)].map((el) => el.dataset.roomId).filter((id): id is string => Boolean(id));
      if (!ids.length) return;
      e.preventDefault();
      const from = heading.current ?? current.current;
      const at = from ? ids.indexOf(from) : -1;
      const step = e.key === 'ArrowDown' ? 1 : -1;
      const next = at < 0 ? (step > 0 ? ids[0] : ids.at(-1)) : ids[(at + step + ids.length) % ids.length];
      if (!next || next === from) return;
      heading.current = next === current.current ? undefined : next;
      navigate(`/chat/${next}`);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate]);
}
