/**
 * The inbox socket (/ws/inbox): one per signed-in tab. It is what makes me "online" to my
 * contacts, and it brings their presence (new contacts included: the server introduces people
 * to each other with `contact_presence` when they start sharing a room), the newest message of
 * rooms I do not have open, changes to my room list, and calls ringing for me.
 * While it is down, the conversation list falls back to polling.
 */
import { useEffect, useRef, useState } from 'react';
import { createInboxSocket } from '../services/socket';
import type { ConnectionState, InboxEvent } from '../services/socket';
import type { InboxFrame, WireMessage } from '../lib/protocol';
import type { PresenceUpdate } from '../context/PresenceContext';

export interface InboxHandlers {
  /** Re-read the conversation list. */
  reload(): Promise<void>;
  /** Newest message of a room that is not open here. */
  /** `count`: the messages the notice stands for that count as unread (undefined from an older room). */
  activity(roomId: string, message: WireMessage, count: number | undefined): void;
  presence(entries: PresenceUpdate[], replace: boolean): void;
  setLive(live: boolean): void;
  /** The session ended server-side: make the auth layer find out. */
  sessionEnded(): void;
  /** Incoming calls and call state changes (for the call UI). */
  call?(frame: Extract<InboxFrame, { type: 'incoming_call' | 'call_state' | 'group_call_ring' | 'group_call_state' }>): void;
}

const POLL_WHILE_DOWN_MS = 15_000;
const POLL_SAFETY_MS = 60_000;

const toUpdate = (c: { userId: string; online: boolean; lastSeenAt: string | null }): PresenceUpdate => ({
  userId: c.userId,
  online: c.online,
  lastSeen: c.lastSeenAt ? Date.parse(c.lastSeenAt) : undefined,
});

export function useInbox(handlers: InboxHandlers, enabled = true): ConnectionState {
  const ref = useRef(handlers);
  ref.current = handlers;
  const [state, setState] = useState<ConnectionState>({ status: 'connecting', attempt: 0 });

  useEffect(() => {
    if (!enabled) return;
    const socket = createInboxSocket({
      onFrame(frame: InboxEvent) {
        const h = ref.current;
        switch (frame.type) {
          case 'inbox_ready':
            socket.markHealthy();
            h.setLive(true);
            h.presence(frame.contacts.map(toUpdate), true);
            // Anything that happened while we were away, or between the list's first load and now:
            // a room someone added us to in that gap sent its rooms_changed to no one.
            void h.reload();
            return;
          case 'contact_presence':
            h.presence([toUpdate(frame.contact)], false);
            return;
          case 'activity':
            h.activity(frame.roomId, frame.message, frame.count);
            return;
          case 'incoming_call':
          case 'call_state':
          case 'group_call_ring':
          case 'group_call_state':
            h.call?.(frame);
            return;
          case 'rooms_changed':
            void h.reload();
            return;
          case 'pong':
            return;
          case 'error':
            if (import.meta.env.DEV) console.warn('inbox error', frame.code, frame.message);
            return;
          default: {
            const unhandled: never = frame;
            void unhandled;
          }
        }
      },
      onState(s) {
        setState(s);
        if (s.status !== 'open') ref.current.setLive(false);
      },
      onSessionEnded: () => ref.current.sessionEnded(),
    });
    socket.start();
    return () => {
      socket.stop();
      ref.current.setLive(false);
    };
  }, [enabled]);

  // The list stays right even without the socket: poll often while it is down, rarely otherwise.
  const live = state.status === 'open';
  useEffect(() => {
    if (!enabled) return;
    const timer = setInterval(
      () => {
        if (document.visibilityState === 'visible' && navigator.onLine !== false) void ref.current.reload();
      },
      live ? POLL_SAFETY_MS : POLL_WHILE_DOWN_MS,
    );
    const onVisible = () => {
      if (document.visibilityState === 'visible' && !live) void ref.current.reload();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [enabled, live]);

  return state;
}
