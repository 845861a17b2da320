/**
 * What "delete for me" does to my unread counts: a message I deleted for myself no longer
 * counts as unread, as the server's list says too (drizzle/queries/rooms.ts, `unreadFor`).
 */
import type { RoomSummary } from '../services/api';
import { mentions } from './mentions';
import type { WireMessage } from './protocol';

/**
 * The list once I deleted `hidden` (messages of `roomId`) for me. Not idempotent: the caller
 * passes each message once, and never to a list the server read after the deletion.
 */
export function withoutHidden(list: RoomSummary[], roomId: string, hidden: WireMessage[], me: string, myUsername: string): RoomSummary[] {
  const room = list.find((r) => r.id === roomId);
  if (!room) return list;
  // Counted as withMessage (RoomsContext) counts: others' live messages after my read cursor.
  const counted = hidden.filter((m) => m.seq > room.lastReadSeq && m.senderId !== me && m.type !== 'system' && !m.deletedAt);
  if (counted.length === 0) return list;
  const mentioned = counted.filter((m) => m.type === 'text' && mentions(m.content, myUsername)).length;
  const updated: RoomSummary = {
    ...room,
    unreadCount: Math.max(0, room.unreadCount - counted.length),
    unreadMentions: Math.max(0, (room.unreadMentions ?? 0) - mentioned),
  };
  return list.map((r) => (r.id === roomId ? updated : r));
}
