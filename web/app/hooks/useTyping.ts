/**
 * Who is typing in the open room. Each entry expires by itself at its `until` (the server's
 * epoch ms), so a lost "stopped typing" frame never leaves a stale indicator.
 */
import { useCallback, useEffect, useState } from 'react';

export interface TypingState {
  /** userId → until (epoch ms). */
  readonly until: ReadonlyMap<string, number>;
}

export function useTyping(me: string) {
  const [until, setUntil] = useState<ReadonlyMap<string, number>>(new Map());

  const onTyping = useCallback(
    (userId: string, untilMs: number) => {
      if (userId === me) return;
      setUntil((prev) => {
        const next = new Map(prev);
        // Clock skew: the server's `until` is in its clock; clamp to a sane window of ours.
        const local = untilMs > 0 ? Math.min(untilMs, Date.now() + 10_000) : 0;
        if (local > Date.now()) next.set(userId, local);
        else next.delete(userId);
        return next;
      });
    },
    [me],
  );

  /** A message from someone ends their typing. */
  const stopped = useCallback((userId: string | null) => {
    if (!userId) return;
    setUntil((prev) => {
      if (!prev.has(userId)) return prev;
      const next = new Map(prev);
      next.delete(userId);
      return next;
    });
  }, []);

  const clear = useCallback(() => setUntil(new Map()), []);

  // Wake up at the next expiry and drop what is over.
  useEffect(() => {
    if (!until.size) return;
    const next = Math.min(...until.values());
    const timer = setTimeout(() => {
      const now = Date.now();
      setUntil((prev) => {
        const kept = new Map([...prev].filter(([, t]) => t > now));
        return kept.size === prev.size ? prev : kept;
      });
    }, Math.max(0, next - Date.now()) + 50);
    return () => clearTimeout(timer);
  }, [until]);

  const typingUserIds = [...until.keys()];
  return { typingUserIds, onTyping, stopped, clear };
}
