/**
 * What the quick switcher (Ctrl+K) lists for a query: my chats whose title, or a member's
 * display name or username, contains the query, compared without case or accents ("jose" finds
 * "José"). A name that starts with the query, or has a word that does, comes before one that
 * only contains it; within each, chats with something unread come first, then the most recently
 * active. An empty query lists every chat, unread first, then recent.
 */
import type { RoomSummary } from '../services/api';
import { roomTitle } from './format';
import { liveMembers, shownUsername } from './members';

export interface SwitcherHit {
  room: RoomSummary;
  title: string;
}

/** Lower case without diacritics: "Ångström" → "angstrom". */
export function foldForMatch(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** 0: a name or one of its words starts with the query; 1: a name contains it elsewhere; null: no match. */
function strength(names: readonly string[], query: string): 0 | 1 | null {
  let found: 0 | 1 | null = null;
  for (const name of names) {
    const at = name.indexOf(query);
    if (at < 0) continue;
    if (at === 0 || name.split(/[^\p{L}\p{N}]+/u).some((word) => word.startsWith(query))) return 0;
    found = 1;
  }
  return found;
}

function hasUnread(room: RoomSummary): boolean {
  return room.unreadCount > 0 || Boolean(room.markedUnread);
}

function lastActive(room: RoomSummary): string {
  return room.lastMessageAt ?? room.createdAt ?? '';
}

export function matchRooms(rooms: readonly RoomSummary[], me: string, query: string, limit = 50): SwitcherHit[] {
  const q = foldForMatch(query.trim());
  const ranked: (SwitcherHit & { strength: 0 | 1 })[] = [];
  for (const room of rooms) {
    const title = roomTitle(room, room.members, me);
    const others = liveMembers(room.members).filter((m) => m.userId !== me);
    const names = [title, ...others.flatMap((m) => [m.displayName, shownUsername(m) ?? ''])].map(foldForMatch);
    const s = q ? strength(names, q) : 0;
    if (s !== null) ranked.push({ room, title, strength: s });
  }
  ranked.sort(
    (a, b) =>
      a.strength - b.strength ||
      Number(hasUnread(b.room)) - Number(hasUnread(a.room)) ||
      lastActive(b.room).localeCompare(lastActive(a.room)),
  );
  return ranked.slice(0, limit).map(({ room, title }) => ({ room, title }));
}
