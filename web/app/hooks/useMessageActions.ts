/**
 * What one user did to a room's messages besides writing them, kept on the server: the
 * room's pins (shared, live through `pins` frames), my stars and what I deleted for me
 * (live across my devices through `starred` and `hidden` frames). Loaded when the room opens.
 */
import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage, type Pin } from '../services/api';

/** `live`: false for a group I left or was removed from, whose pins after that are not mine to see. */
export function useMessageActions(roomId: string, say: (text: string) => void, live = true) {
  const [pins, setPins] = useState<Pin[]>([]);
  const [hidden, setHidden] = useState<ReadonlySet<number>>(new Set());
  const [starred, setStarred] = useState<ReadonlySet<number>>(new Set());

  useEffect(() => {
    let cancelled = false;
    // Each on its own: one failing leaves the others (the socket reports a lost membership).
    if (live) api.pins(roomId).then(({ pins: p }) => !cancelled && setPins(p), () => {});
    api.hidden(roomId).then(({ seqs }) => !cancelled && setHidden(new Set(seqs)), () => {});
    api.starred().then(
      ({ starred: list }) => !cancelled && setStarred(new Set(list.filter((s) => s.roomId === roomId).map((s) => s.seq))),
      () => {},
    );
    return () => {
      cancelled = true;
    };
  }, [roomId, live]);

  const onPins = useCallback((list: Pin[]) => setPins(list), []);
  const onHidden = useCallback((seqs: number[]) => setHidden((cur) => new Set([...cur, ...seqs])), []);

  const pin = useCallback(
    (seq: number, on: boolean) => {
      api.pin(roomId, seq, on).then(({ pins: p }) => setPins(p), (err: unknown) => say(errorMessage(err)));
    },
    [roomId, say],
  );

  const onStarred = useCallback(
    (seqs: number[], on: boolean) =>
      setStarred((cur) => {
        const next = new Set(cur);
        for (const seq of seqs) {
          if (on) next.add(seq);
          else next.delete(seq);
        }
        return next;
      }),
    [],
  );

  const star = useCallback(
    (seq: number, on: boolean) => {
      onStarred([seq], on);
      api.star(roomId, seq, on).then(
        () => say(on ? 'Added to starred messages.' : 'Removed from starred messages.'),
        (err: unknown) => {
          onStarred([seq], !on);
          say(errorMessage(err));
        },
      );
    },
    [roomId, say, onStarred],
  );

  const hide = useCallback(
    (seq: number) => {
      onHidden([seq]);
      api.hide(roomId, seq).then(
        () => {},
        (err: unknown) => {
          setHidden((cur) => new Set([...cur].filter((s) => s !== seq)));
          say(errorMessage(err));
        },
      );
    },
    [roomId, say, onHidden],
  );

  return { pins, hidden, starred, onPins, onHidden, onStarred, pin, star, hide };
}
