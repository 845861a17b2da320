/**
 * Who is online, across the app. The inbox socket is the authority (a user is online while one
 * of their tabs holds an inbox socket) and also says when they were last seen. The open room's
 * `ready` / `members` / `presence` frames add what the room knows: someone with the room open
 * is online; "left the room" only counts as offline while the inbox is not connected.
 */
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';

export interface PresenceEntry {
  online: boolean;
  /** Epoch ms when they were last online (when known). */
  lastSeen?: number;
}

export interface PresenceUpdate {
  userId: string;
  online: boolean;
  lastSeen?: number;
}

interface PresenceValue {
  presence: ReadonlyMap<string, PresenceEntry>;
  /** From the inbox socket (authoritative). `replace` drops everything not listed. */
  fromInbox(entries: PresenceUpdate[], replace?: boolean): void;
  /** From a room socket. */
  fromRoom(entries: PresenceUpdate[]): void;
  setInboxLive(live: boolean): void;
}

const PresenceContext = createContext<PresenceValue | null>(null);

function apply(prev: ReadonlyMap<string, PresenceEntry>, entries: PresenceUpdate[], base?: Map<string, PresenceEntry>) {
  let next: Map<string, PresenceEntry> | null = base ?? null;
  const now = Date.now();
  for (const { userId, online, lastSeen } of entries) {
    const cur = (next ?? prev).get(userId);
    const seen = online ? cur?.lastSeen : (lastSeen ?? (cur?.online ? now : cur?.lastSeen));
    if (cur && cur.online === online && cur.lastSeen === seen) continue;
    next ??= new Map(prev);
    next.set(userId, { online, lastSeen: seen });
  }
  return next ?? prev;
}

export function PresenceProvider({ children }: { children: ReactNode }) {
  const [presence, setPresence] = useState<ReadonlyMap<string, PresenceEntry>>(new Map());
  const inboxLive = useRef(false);

  const fromInbox = useCallback((entries: PresenceUpdate[], replace = false) => {
    setPresence((prev) => apply(prev, entries, replace ? new Map() : undefined));
  }, []);
  const fromRoom = useCallback((entries: PresenceUpdate[]) => {
    const usable = inboxLive.current ? entries.filter((e) => e.online) : entries;
    if (usable.length) setPresence((prev) => apply(prev, usable));
  }, []);
  const setInboxLive = useCallback((live: boolean) => {
    inboxLive.current = live;
  }, []);

  const value = useMemo(() => ({ presence, fromInbox, fromRoom, setInboxLive }), [presence, fromInbox, fromRoom, setInboxLive]);
  return <PresenceContext.Provider value={value}>{children}</PresenceContext.Provider>;
}

function usePresenceContext(): PresenceValue {
  const ctx = useContext(PresenceContext);
  if (!ctx) throw new Error('usePresence must be used inside <PresenceProvider>');
  return ctx;
}

/** Online state of one user (undefined: unknown). */
export function usePresence(userId: string | null | undefined): PresenceEntry | undefined {
  const { presence } = usePresenceContext();
  return userId ? presence.get(userId) : undefined;
}

export function usePresenceMap(): ReadonlyMap<string, PresenceEntry> {
  return usePresenceContext().presence;
}

export function usePresenceUpdater(): Pick<PresenceValue, 'fromInbox' | 'fromRoom' | 'setInboxLive'> {
  const { fromInbox, fromRoom, setInboxLive } = usePresenceContext();
  return useMemo(() => ({ fromInbox, fromRoom, setInboxLive }), [fromInbox, fromRoom, setInboxLive]);
}
