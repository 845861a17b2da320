/**
 * The messages of one room: history from REST (infinite scroll back), live and caught-up
 * messages from the socket, and my unsent messages (kept in localStorage so a reload does not
 * lose them). All of it merges by seq in `messagesReducer`.
 */
import { startTransition, useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { WireMessage } from '../lib/protocol';
import { api, errorMessage } from '../services/api';
import { initialMessages, messagesReducer, outboxStore, type MessagesState } from '../lib/messages';
import { newestContiguous, offlineStore } from '../lib/offline-store';

export const PAGE_SIZE = 50;

export function useMessages(roomId: string, me: string) {
  const [state, dispatch] = useReducer(messagesReducer, initialMessages);
  const stateRef = useRef<MessagesState>(state);
  stateRef.current = state;
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [historyError, setHistoryError] = useState<string | null>(null);
  const loadingRef = useRef(false);
  /** Settles (never rejects) once the newest page is in: its highest seq (0: empty room), null if it failed. */
  const initial = useRef<Promise<number | null>>(Promise.resolve(null));
  /**
   * The newest message of that first page as soon as it arrived: the page itself renders as a
   * transition, so `stateRef` may not hold it yet when the socket says it is caught up.
   */
  const firstPageNewest = useRef<WireMessage | null>(null);

  // New room: start over, with whatever I had not managed to send there.
  useEffect(() => {
    dispatch({ type: 'reset', roomId, pending: outboxStore.load(me, roomId) });
    setHistoryError(null);
    firstPageNewest.current = null;
    const ctrl = new AbortController();
    initial.current = api.history(roomId, null, PAGE_SIZE, ctrl.signal).then(
      (page) => {
        firstPageNewest.current = page.messages.reduce<WireMessage | null>((newest, m) => (!newest || m.seq > newest.seq ? m : newest), null);
        // Rendering a page of rows is the longest task of opening a chat: as a transition React
        // renders it in slices of a few ms, so the page stays responsive (and the socket's frames
        // are not kept waiting) while it renders. What other updates arrive meanwhile merge in order.
        startTransition(() => dispatch({ type: 'page', messages: page.messages, nextBefore: page.nextBefore }));
        return firstPageNewest.current?.seq ?? 0;
      },
      (err: unknown) => {
        if (ctrl.signal.aborted) return null;
        // Offline: the newest messages this device saw; the socket catches up from there.
        const cached = offlineStore.messages(me, roomId);
        if (cached?.messages.length) {
          dispatch({ type: 'page', messages: [...cached.messages].reverse(), nextBefore: cached.nextBefore });
          return cached.messages.reduce((max, m) => Math.max(max, m.seq), 0);
        }
        setHistoryError(errorMessage(err));
        return null;
      },
    );
    return () => ctrl.abort();
  }, [roomId, me]);

  // Keep the outbox on disk.
  useEffect(() => {
    if (state.roomId === roomId) outboxStore.save(me, roomId, state.pending);
  }, [state.pending, state.roomId, me, roomId]);

  // Keep the newest messages on disk too, for opening offline (a moment after the last change).
  useEffect(() => {
    if (state.roomId !== roomId || !state.loaded) return;
    const t = setTimeout(() => {
      const s = stateRef.current;
      offlineStore.setMessages(me, roomId, newestContiguous(s.seqs.map((seq) => s.bySeq.get(seq)!).filter(Boolean)));
    }, 500);
    return () => clearTimeout(t);
  }, [state.bySeq, state.roomId, state.loaded, me, roomId]);

  /** The newest page up to `lastSeq` (when the first REST page failed and the socket came first). */
  const loadLatest = useCallback(
    async (lastSeq: number) => {
      try {
        const page = await api.history(roomId, lastSeq + 1, PAGE_SIZE);
        dispatch({ type: 'page', messages: page.messages, nextBefore: page.nextBefore });
        setHistoryError(null);
      } catch (err) {
        setHistoryError(errorMessage(err));
      }
    },
    [roomId],
  );

  const loadOlder = useCallback(async () => {
    const s = stateRef.current;
    if (loadingRef.current || (s.loaded && !s.hasOlder)) return;
    // Not loaded yet (the first page failed): this is a retry of the newest page.
    const before = s.loaded ? (s.nextBefore ?? s.seqs[0] ?? null) : null;
    if (s.loaded && (!before || before <= 1)) return;
    loadingRef.current = true;
    setLoadingOlder(true);
    try {
      const page = await api.history(roomId, before, PAGE_SIZE);
      dispatch({ type: 'page', messages: page.messages, nextBefore: page.nextBefore });
      setHistoryError(null);
    } catch (err) {
      setHistoryError(errorMessage(err));
    } finally {
      loadingRef.current = false;
      setLoadingOlder(false);
    }
  }, [roomId]);

  /** The messages around `seq` (half before, half after), for jumping far back. */
  const loadAround = useCallback(
    async (seq: number) => {
      const page = await api.history(roomId, seq + PAGE_SIZE / 2, PAGE_SIZE);
      dispatch({ type: 'window', messages: page.messages });
    },
    [roomId],
  );

  /** Fills a gap from its lower side: the page just above `below`, never past `above`. */
  const fillGap = useCallback(
    async (below: number, above: number) => {
      const page = await api.history(roomId, Math.min(above, below + PAGE_SIZE + 1), PAGE_SIZE);
      dispatch({ type: 'window', messages: page.messages });
    },
    [roomId],
  );

  return { state, stateRef, dispatch, initial, firstPageNewest, loadLatest, loadOlder, loadingOlder, historyError, loadAround, fillGap };
}
