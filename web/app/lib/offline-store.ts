/**
 * What the app keeps on this device so that it opens offline to the last state: who was signed
 * in (the profile only, never a token), the conversation list, the newest messages of recently
 * opened conversations, and per-conversation drafts. Unsent messages have their own store
 * (`outboxStore` in messages.ts). Everything is in localStorage under `edge-chat:`, per user,
 * and is wiped when that user signs out or deletes their account.
 */
import type { PublicUser, RoomSummary } from '../services/api';
import type { WireMessage } from './protocol';

const PREFIX = 'edge-chat:';
/** Newest messages kept per conversation. */
export const CACHED_MESSAGES = 50;
/** Conversations whose messages are kept (the most recently opened). */
const CACHED_ROOMS = 30;

/**
 * Users whose session ended in this page: a save already under way for them (a timer set a
 * moment before signing out) must not put back what `forget` just removed.
 */
const ended = new Set<string>();

function read<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(PREFIX + key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

function write(key: string, value: unknown) {
  // A user whose session ended here gets nothing written back (removals still go through):
  // the same rule `forget` uses to find their keys.
  if (value !== null && value !== undefined && [...ended].some((id) => key.includes(id))) return;
  try {
    if (value === null || value === undefined) localStorage.removeItem(PREFIX + key);
    else localStorage.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the app still works online, just not offline.
  }
}

export interface CachedPage {
  messages: WireMessage[];
  nextBefore: number | null;
}

/**
 * The newest run of consecutive seqs (seqs are gapless per room), at most CACHED_MESSAGES long,
 * so that a cached page never hides a hole: what is older is paged in over REST as usual.
 */
export function newestContiguous(messages: readonly WireMessage[]): CachedPage {
  const out: WireMessage[] = [];
  for (let i = messages.length - 1; i >= 0 && out.length < CACHED_MESSAGES; i--) {
    const m = messages[i]!;
    if (out.length && out[0]!.seq !== m.seq + 1) break;
    out.unshift(m);
  }
  const first = out[0]?.seq ?? 1;
  return { messages: out, nextBefore: first > 1 ? first : null };
}

export const offlineStore = {
  /** Whether `userId`'s session ended here (nothing more of theirs is written). */
  ended: (userId: string) => ended.has(userId),

  /** Someone signed in on this device before (no personal data: kept after signing out). */
  returning: () => read<boolean>('returning') === true,
  lastUser: () => read<PublicUser>('last-user'),
  setLastUser(user: PublicUser | null) {
    write('last-user', user);
    if (user) ended.delete(user.id);
    if (user) write('returning', true);
  },

  rooms: (userId: string) => read<RoomSummary[]>(`rooms:${userId}`),
  setRooms: (userId: string, rooms: RoomSummary[]) => write(`rooms:${userId}`, rooms),

  messages: (userId: string, roomId: string) => read<CachedPage>(`messages:${userId}:${roomId}`),
  setMessages(userId: string, roomId: string, page: CachedPage) {
    if (!page.messages.length) return;
    write(`messages:${userId}:${roomId}`, page);
    // Least recently saved conversations drop out first.
    const order = (read<string[]>(`messages-order:${userId}`) ?? []).filter((id) => id !== roomId);
    order.push(roomId);
    for (const old of order.splice(0, Math.max(0, order.length - CACHED_ROOMS))) write(`messages:${userId}:${old}`, null);
    write(`messages-order:${userId}`, order);
  },

  /** The newest message seen on this device, per conversation. */
  readCursor: (userId: string, roomId: string) => read<number>(`read:${userId}:${roomId}`) ?? 0,
  setReadCursor(userId: string, roomId: string, seq: number) {
    if (seq > offlineStore.readCursor(userId, roomId)) write(`read:${userId}:${roomId}`, seq);
  },

  /** Per thread root, the newest reply I saw in its panel on this device (threads' unread dots). */
  threadsSeen: (userId: string, roomId: string) => read<Record<string, number>>(`threads-seen:${userId}:${roomId}`) ?? {},
  /** Moves each root's mark up to the one given (never back); returns the marks now kept. */
  mergeThreadsSeen(userId: string, roomId: string, marks: Record<string, number>): Record<string, number> {
    const seen = offlineStore.threadsSeen(userId, roomId);
    const further = Object.entries(marks).filter(([root, seq]) => (seen[root] ?? 0) < seq);
    if (!further.length) return seen;
    const merged = { ...seen, ...Object.fromEntries(further) };
    write(`threads-seen:${userId}:${roomId}`, merged);
    return merged;
  },

  draft: (userId: string, roomId: string) => read<string>(`draft:${userId}:${roomId}`) ?? '',
  setDraft: (userId: string, roomId: string, text: string) => write(`draft:${userId}:${roomId}`, text.trim() ? text : null),

  /** Signing out: nothing of this user stays on the device (unsent messages included). */
  forget(userId: string) {
    ended.add(userId);
    try {
      const keys: string[] = [];
      for (let i = 0; i < localStorage.length; i++) {
        const key = localStorage.key(i);
        if (key?.startsWith(PREFIX) && key.includes(userId)) keys.push(key);
      }
      for (const key of keys) localStorage.removeItem(key);
      if (read<PublicUser>('last-user')?.id === userId) write('last-user', null);
    } catch {
      // storage disabled: nothing was kept
    }
  },

  /** The account was deleted: as signing out, and no "Welcome back" for someone who is gone. */
  forgetDeletedAccount(userId: string) {
    offlineStore.forget(userId);
    write('returning', null);
  },
};
