/**
 * Which thread replies I have seen in this room, per root: a thread's unread dot stays until I
 * open it. Opening it, or a reply arriving while it is open, moves its mark to the newest reply.
 * Marks are kept for me on the server (so a thread read on one device is read on all) and on
 * this device (so they hold offline); the two merge by taking the further mark.
 */
import { useCallback, useEffect, useState } from 'react';
import { offlineStore } from '../lib/offline-store';
import { api } from '../services/api';

/** `keepOnServer`: false in a chat I was removed from or left (read-only: nothing to report). */
export function useThreadsSeen(me: string, roomId: string, keepOnServer: boolean) {
  // The window is keyed by room: read once. Every change goes through this device's store first.
  const [seen, setSeen] = useState<Record<string, number>>(() => offlineStore.threadsSeen(me, roomId));
  useEffect(() => {
    const ctrl = new AbortController();
    api.threadReads(roomId, ctrl.signal).then(
      ({ reads }) => setSeen(offlineStore.mergeThreadsSeen(me, roomId, reads)),
      () => {
        // Offline or refused: this device's marks stand until the next open.
      },
    );
    return () => ctrl.abort();
  }, [me, roomId]);
  const markThreadSeen = useCallback(
    (rootSeq: number, seq: number) => {
      if ((offlineStore.threadsSeen(me, roomId)[rootSeq] ?? 0) >= seq) return;
      setSeen(offlineStore.mergeThreadsSeen(me, roomId, { [rootSeq]: seq }));
      if (!keepOnServer) return;
      void api.markThreadRead(roomId, rootSeq, seq).catch(() => {
        // Kept on this device; the server hears of it with the next reply read there.
      });
    },
    [me, roomId, keepOnServer],
  );
  return { seen, markThreadSeen };
}
