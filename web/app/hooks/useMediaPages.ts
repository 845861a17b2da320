/**
 * One kind of a chat's media (pictures, files or links) from GET /api/rooms/:roomId/media:
 * the first page when the kind is first shown, older pages on demand, each kept while the
 * panel is open. A failed page can be asked for again.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorMessage, type MediaKind } from '../services/api';
import type { WireMessage } from '../lib/protocol';

export interface MediaPages {
  messages: readonly WireMessage[];
  loading: boolean;
  error: string | null;
  /** Older ones exist: `more()` loads the next page (and asks for a failed one again). */
  hasMore: boolean;
  more(): void;
}

export function useMediaPages(roomId: string, kind: MediaKind): MediaPages {
  const [messages, setMessages] = useState<WireMessage[]>([]);
  const [cursor, setCursor] = useState<number | null>(null);
  const [hasMore, setHasMore] = useState(true);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The page being read belongs to this room and kind; an answer for another is dropped.
  const current = useRef(`${roomId}/${kind}`);

  const load = useCallback(
    (before: number | null) => {
      const key = `${roomId}/${kind}`;
      setLoading(true);
      setError(null);
      api.media(roomId, kind, before).then(
        (page) => {
          if (current.current !== key) return;
          setMessages((had) => (before === null ? page.messages : [...had, ...page.messages]));
          setCursor(page.nextBefore);
          setHasMore(page.nextBefore !== null);
          setLoading(false);
        },
        (err: unknown) => {
          if (current.current !== key) return;
          setError(errorMessage(err));
          setLoading(false);
        },
      );
    },
    [roomId, kind],
  );

  useEffect(() => {
    current.current = `${roomId}/${kind}`;
    setMessages([]);
    setHasMore(true);
    load(null);
  }, [roomId, kind, load]);

  // Also the retry of a failed page: the first one again while nothing is loaded.
  const more = useCallback(() => {
    if (loading) return;
    if (messages.length === 0) load(null);
    else if (cursor !== null) load(cursor);
  }, [loading, messages.length, cursor, load]);

  return { messages, loading, error, hasMore: hasMore && cursor !== null, more };
}
