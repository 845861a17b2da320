/**
 * The conversation list. Loaded from GET /api/rooms, kept fresh by the open room's socket
 * (new messages, reads, member changes) and by `useInbox` for the rooms that are not open.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, errorMessage, type ListStateChange, type RoomSummary } from '../services/api';
import type { InboxFrame, WireMessage } from '../lib/protocol';
import { useInbox } from '../hooks/useInbox';
import { isMuted } from '../lib/mute';
import { mentions } from '../lib/mentions';
import { usePresenceUpdater } from './PresenceContext';
import { useAuth } from './AuthContext';
import type { ConnectionState } from '../services/socket';
import { offlineStore } from '../lib/offline-store';
import { withoutHidden } from '../lib/unread-hidden';

interface RoomsValue {
  /** null until the first load. */
  rooms: RoomSummary[] | null;
  error: string | null;
  reload(): Promise<void>;
  /** A message arrived in a room we have open; `read` when it is already on screen for me. */
  /** `count`: how many messages this one stands for that count as unread (see withMessage). */
  applyMessage(roomId: string, message: WireMessage, opts: { mine: boolean; read: boolean; count?: number }): void;
  /** My read cursor moved in this room. */
  markRead(roomId: string, seq: number): void;
  /** I deleted these messages of the room for me: those unread count no more. */
  uncountHidden(roomId: string, hidden: WireMessage[]): void;
  patchRoom(roomId: string, patch: Partial<RoomSummary>): void;
  removeRoom(roomId: string): void;
  /** Pins, archives or marks a room unread for me (stored server-side, on every device). */
  organise(roomId: string, change: ListStateChange): Promise<void>;
  /** State of the inbox socket (notifications for rooms that are not open). */
  inbox: ConnectionState;
  /** Listens to the inbox's call frames (ringing); returns the unsubscribe function. */
  onCallFrame(listener: CallFrameListener): () => void;
  /** Listens to every message the list hears of (open room and inbox), for notifications. */
  onMessage(listener: MessageListener): () => void;
}

export type MessageListener = (roomId: string, message: WireMessage) => void;

export type InboxCallFrame = Extract<InboxFrame, { type: 'incoming_call' | 'call_state' | 'group_call_ring' | 'group_call_state' }>;
export type CallFrameListener = (frame: InboxCallFrame) => void;

const RoomsContext = createContext<RoomsValue | null>(null);

/** The list's order, as the server gives it: pinned first (newest pin first), then by activity. */
function listOrder(a: RoomSummary, b: RoomSummary) {
  if (Boolean(a.pinnedAt) !== Boolean(b.pinnedAt)) return a.pinnedAt ? -1 : 1;
  if (a.pinnedAt && b.pinnedAt && a.pinnedAt !== b.pinnedAt) return b.pinnedAt.localeCompare(a.pinnedAt);
  return (b.lastMessageAt ?? '').localeCompare(a.lastMessageAt ?? '');
}

/**
 * The list once `message` is known in `roomId`. Idempotent: a message the list already counts
 * (its seq not above the room's lastSeq) changes no count, so it can be applied again to a
 * freshly loaded list.
 */
export function withMessage(
  list: RoomSummary[],
  roomId: string,
  message: WireMessage,
  opts: { mine: boolean; read: boolean; count?: number },
  myUsername: string,
): RoomSummary[] {
  const room = list.find((r) => r.id === roomId);
  if (!room) return list;
  const isNew = message.seq > room.lastSeq;
  const isLast = message.seq >= (room.lastMessage?.seq ?? 0);
  if (!isNew && !isLast) return list;
  let updated: RoomSummary;
  if (!isNew) {
    // An edit/delete/reaction of the newest message, or a resend of what we have.
    updated = { ...room, lastMessage: message };
    if (opts.read) updated.unreadCount = 0;
  } else {
    const counts = !opts.mine && !opts.read && message.type !== 'system' && !message.deletedAt;
    // The inbox coalesces a burst into one notice carrying its newest message (room/activity-
    // notifier.ts): the seqs it skipped arrived too. Counting only the notice said 2 for 3.
    // `count` says how many of them count (thread replies not for me do not); without it, every
    // seq skipped does.
    const arrived = opts.count ?? (counts ? message.seq - room.lastSeq : 0);
    const mentionsMe = counts && message.type === 'text' && mentions(message.content, myUsername);
    updated = {
      ...room,
      // A new message brings an archived chat back to the list.
      archived: false,
      unreadMentions: opts.read || opts.mine ? 0 : (room.unreadMentions ?? 0) + (mentionsMe ? 1 : 0),
      lastSeq: message.seq,
      lastMessage: message,
      lastMessageAt: message.createdAt,
      unreadCount: opts.read || opts.mine ? 0 : room.unreadCount + arrived,
      lastReadSeq: opts.read || opts.mine ? message.seq : room.lastReadSeq,
    };
  }
  return list.map((r) => (r.id === roomId ? updated : r)).sort(listOrder);
}

export function RoomsProvider({ children }: { children: ReactNode }) {
  const presence = usePresenceUpdater();
  const { user, refresh } = useAuth();
  const me = user?.id ?? '';
  const myUsername = useRef('');
  myUsername.current = user?.username ?? '';
  // Mounted on the client only (behind RequireAuth): the list this device saw last comes first,
  // so the app opens offline to the last state; the server's list replaces it when it arrives.
  const [rooms, setRooms] = useState<RoomSummary[] | null>(() => (me ? offlineStore.rooms(me) : null));
  const [error, setError] = useState<string | null>(null);
  /** False while the list is the saved one (not yet confirmed by the server). */
  const [fresh, setFresh] = useState(false);
  const loading = useRef<Promise<void> | null>(null);
  const roomsRef = useRef(rooms);
  roomsRef.current = rooms;

  /**
   * What the open room and the inbox told us while a list request was in flight, as changes to
   * re-apply to the list it returns: that list is a snapshot of the database, taken before some
   * of it (and the database is written a moment after the rooms ack). Without this a message
   * arriving during the load was lost: a new conversation's first messages counted one short.
   */
  const heard = useRef<((list: RoomSummary[]) => RoomSummary[])[] | null>(null);
  /** A message for a room the loading list may not have yet: load once more when it lands without it. */
  const unknownRooms = useRef(new Set<string>());

  /** A reload asked for while a list was loading: that list may be a snapshot from before what prompted it. */
  const loadAgain = useRef(false);

  const load = useCallback((carried: ((list: RoomSummary[]) => RoomSummary[])[]): Promise<void> => {
    if (loading.current) {
      if (carried.length === 0) loadAgain.current = true;
      return loading.current;
    }
    // This load reads the database after whatever asked for the reload: it answers that too.
    loadAgain.current = false;
    heard.current = [...carried];
    const run = api
      .rooms()
      .then(({ rooms: loaded }) => {
        const changes = heard.current ?? [];
        const list = changes.reduce((l, change) => change(l), loaded);
        const missing = [...unknownRooms.current].some((id) => !list.some((r) => r.id === id));
        unknownRooms.current.clear();
        setRooms(list);
        setFresh(true);
        setError(null);
        return missing ? changes : null;
      })
      .catch((err: unknown) => {
        setError(errorMessage(err));
        return null;
      })
      .then((retry) => {
        heard.current = null;
        loading.current = null;
        // Once (never in a loop): the new room was not in the database yet when it was read.
        // Every change is idempotent, so what was heard is applied to that list as well.
        if (retry && carried.length === 0) void load(retry);
        // e.g. inbox_ready's reload while the first load ran: a group made in between is in
        // neither that snapshot nor any rooms_changed (the inbox was not online yet).
        else if (loadAgain.current) void load([]);
      });
    loading.current = run;
    return run;
  }, []);
  const reload = useCallback(() => load([]), [load]);

  /** Applies a change to the list now, and again to the list being loaded when it lands. */
  const change = useCallback((fn: (list: RoomSummary[]) => RoomSummary[]) => {
    heard.current?.push(fn);
    setRooms((prev) => (prev ? fn(prev) : prev));
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  const messageListeners = useRef(new Set<MessageListener>());
  const onMessage = useCallback((listener: MessageListener) => {
    messageListeners.current.add(listener);
    return () => {
      messageListeners.current.delete(listener);
    };
  }, []);

  const applyMessage = useCallback(
    (roomId: string, message: WireMessage, opts: { mine: boolean; read: boolean; count?: number }) => {
      for (const listener of messageListeners.current) listener(roomId, message);
      change((prev) => withMessage(prev, roomId, message, opts, myUsername.current));
    },
    [change],
  );

  const markRead = useCallback(
    (roomId: string, seq: number) => {
      change((prev) =>
        prev.map((r) =>
          r.id === roomId && (r.lastReadSeq < seq || r.unreadCount > 0)
            ? {
                ...r,
                lastReadSeq: Math.max(r.lastReadSeq, seq),
                unreadCount: seq >= r.lastSeq ? 0 : r.unreadCount,
                unreadMentions: seq >= r.lastSeq ? 0 : r.unreadMentions,
              }
            : r,
        ),
      );
    },
    [change],
  );

  // Not re-applied to a list being loaded (as `change` would): the server's count already leaves them out.
  const uncountHidden = useCallback(
    (roomId: string, hidden: WireMessage[]) => setRooms((prev) => prev && withoutHidden(prev, roomId, hidden, me, myUsername.current)),
    [me],
  );

  const patchRoom = useCallback((roomId: string, patch: Partial<RoomSummary>) => {
    setRooms((prev) => prev?.map((r) => (r.id === roomId ? { ...r, ...patch } : r)) ?? prev);
  }, []);

  const organise = useCallback(async (roomId: string, change: ListStateChange) => {
    const { pinnedAt, archived, markedUnread } = await api.setListState(roomId, change);
    setRooms((prev) => prev?.map((r) => (r.id === roomId ? { ...r, pinnedAt, archived, markedUnread } : r)).sort(listOrder) ?? prev);
  }, []);

  const removeRoom = useCallback((roomId: string) => {
    setRooms((prev) => prev?.filter((r) => r.id !== roomId) ?? prev);
  }, []);

  const callListeners = useRef(new Set<CallFrameListener>());
  const onCallFrame = useCallback((listener: CallFrameListener) => {
    callListeners.current.add(listener);
    return () => {
      callListeners.current.delete(listener);
    };
  }, []);

  const inbox = useInbox({
    reload,
    activity(roomId, message, count) {
      if (!roomsRef.current?.some((r) => r.id === roomId)) {
        // A conversation new to me: load the list, then count this message on it (and every
        // other one heard meanwhile) unless the loaded list already does.
        unknownRooms.current.add(roomId);
        void reload();
      }
      applyMessage(roomId, message, { mine: message.senderId === me, read: false, count });
    },
    presence: presence.fromInbox,
    setLive: presence.setInboxLive,
    sessionEnded: () => void refresh(),
    call(frame) {
      for (const listener of callListeners.current) listener(frame);
    },
  });

  useEffect(() => {
    if (me && rooms) offlineStore.setRooms(me, rooms);
  }, [me, rooms]);

  // Opened offline (or the first load failed): load the list once the inbox is connected again.
  useEffect(() => {
    if (inbox.status === 'open' && !fresh) void reload();
  }, [inbox.status, fresh, reload]);

  const value = useMemo(
    () => ({ rooms, error, reload, applyMessage, markRead, uncountHidden, patchRoom, removeRoom, organise, inbox, onCallFrame, onMessage }),
    [rooms, error, reload, applyMessage, markRead, uncountHidden, patchRoom, removeRoom, organise, inbox, onCallFrame, onMessage],
  );
  return <RoomsContext.Provider value={value}>{children}</RoomsContext.Provider>;
}

export function useRooms(): RoomsValue {
  const ctx = useContext(RoomsContext);
  if (!ctx) throw new Error('useRooms must be used inside <RoomsProvider>');
  return ctx;
}

/**
 * False while our own link is down (the inbox socket is not connected, or the browser is
 * offline): presence we knew is out of date and is shown greyed out, never as "online".
 */
export function useOwnLinkUp(): boolean {
  return useRooms().inbox.status === 'open';
}

/** Total unread messages, for the tab title (muted chats do not count). */
export function useUnreadTotal(): number {
  const { rooms } = useRooms();
  return rooms?.reduce((n, r) => n + (isMuted(r.mutedUntil) ? 0 : r.unreadCount), 0) ?? 0;
}
