/**
 * The calls of this tab (one CallClient per signed-in user), as React state. Everything that
 * happens to a call is decided in services/call-client.ts and lib/call-state.ts; this hook only
 * subscribes to it and hands out the actions.
 */
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { CallClient, type CallSnapshot } from '../services/call-client';
import type { CallMedia } from '../lib/call-state';
import type { InboxFrame } from '../lib/protocol';

export interface CallHandle {
  snapshot: CallSnapshot;
  client: CallClient;
  dial(roomId: string, peerId: string, media: CallMedia, secret: boolean): void;
  answer(video: boolean, secret: boolean): void;
  decline(): void;
  hangUp(): void;
  dismiss(): void;
  fromInbox(frame: Extract<InboxFrame, { type: 'incoming_call' | 'call_state' }>): void;
}

export function useCall(me: string): CallHandle {
  const [client] = useState(() => new CallClient(me));
  useEffect(() => () => client.dispose(), [client]);
  const snapshot = useSyncExternalStore(client.subscribe, client.getSnapshot, () => CallClient.idle);
  return useMemo(
    () => ({
      snapshot,
      client,
      dial: (roomId, peerId, media, secret) => void client.dial(roomId, peerId, media, secret),
      answer: (video, secret) => void client.answer(video, secret),
      decline: () => client.decline(),
      hangUp: () => client.hangUp(),
      dismiss: () => client.dismiss(),
      fromInbox: (frame) => client.fromInbox(frame),
    }),
    [client, snapshot],
  );
}
