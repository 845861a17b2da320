/**
 * The WebSocket of one room: a fresh ticket per attempt, backoff + jitter, keepalive, and the
 * connection state for the UI. Frames go to `onFrame` (latest callback, no reconnect when it
 * changes); what to do on `ready` (resume, resend) is up to the caller.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createRoomSocket, type ConnectionState, type RoomSocket } from '../services/socket';
import type { ClientFrame, ServerFrame } from '../lib/protocol';

export interface RoomSocketHandle {
  state: ConnectionState;
  /** Sends now if connected; returns false when the frame could not be sent. */
  send(frame: ClientFrame): boolean;
  reconnectNow(): void;
  /** Stop retrying (not a member any more). */
  fail(reason: string): void;
  /** The server accepted us (`ready`): reset the backoff. */
  markHealthy(): void;
}

export function useRoomSocket(
  roomId: string | null,
  onFrame: (frame: ServerFrame) => void,
  /** Read before every attempt: the catch-up point. */
  connectParams: () => Promise<{ after: number | undefined }>,
  onSessionEnded: () => void,
  enabled = true,
): RoomSocketHandle {
  const [state, setState] = useState<ConnectionState>({ status: 'connecting', attempt: 0 });
  const socketRef = useRef<RoomSocket | null>(null);
  const frameRef = useRef(onFrame);
  frameRef.current = onFrame;
  const paramsRef = useRef(connectParams);
  paramsRef.current = connectParams;
  const endedRef = useRef(onSessionEnded);
  endedRef.current = onSessionEnded;

  useEffect(() => {
    if (!roomId || !enabled) return;
    const socket = createRoomSocket(roomId, () => paramsRef.current(), {
      onFrame: (f) => frameRef.current(f),
      onState: setState,
      onSessionEnded: () => endedRef.current(),
    });
    socketRef.current = socket;
    socket.start();
    return () => {
      socket.stop();
      if (socketRef.current === socket) socketRef.current = null;
    };
  }, [roomId, enabled]);

  const send = useCallback((frame: ClientFrame) => socketRef.current?.send(frame) ?? false, []);
  const reconnectNow = useCallback(() => socketRef.current?.reconnectNow(), []);
  const fail = useCallback((reason: string) => socketRef.current?.fail(reason), []);
  const markHealthy = useCallback(() => socketRef.current?.markHealthy(), []);

  return useMemo(() => ({ state, send, reconnectNow, fail, markHealthy }), [state, send, reconnectNow, fail, markHealthy]);
}
