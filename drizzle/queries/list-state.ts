/**
 * How one member keeps a room in their conversation list (issue 25): pinned, archived, marked
 * unread. Stored on room_members, like mute (mute.ts), so it follows the person across devices.
 * Archived holds only while no message is newer than the archiving: a new message brings the
 * room back (the room list computes it, listRoomsOf).
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { roomMembers, rooms } from '../schema';

export interface ListStateChange {
  pinned?: boolean;
  archived?: boolean;
  markedUnread?: boolean;
}

export interface ListState {
  /** ISO time of the pin (the list's order among pinned rooms), or null. */
  pinnedAt: string | null;
  archived: boolean;
  markedUnread: boolean;
}

/** Applies the change; returns the state now stored, or undefined when the user is not a member. */
export async function setListState(db: Database, roomId: string, userId: string, change: ListStateChange): Promise<ListState | undefined> {
  const set: Partial<Record<'pinnedAt' | 'archivedAt', ReturnType<typeof sql>>> & { markedUnread?: boolean } = {};
  // Pinning again keeps the original place; archiving again starts from now.
  if (change.pinned !== undefined) set.pinnedAt = change.pinned ? sql`coalesce(${roomMembers.pinnedAt}, now())` : sql`null`;
  if (change.archived !== undefined) set.archivedAt = change.archived ? sql`now()` : sql`null`;
  if (change.markedUnread !== undefined) set.markedUnread = change.markedUnread;
  const [row] = await db
    .update(roomMembers)
    .set(set)
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)))
    .returning({
      pinnedAt: roomMembers.pinnedAt,
      // As the room list reads it: a message newer than the archiving brought the room back.
      archived: sql<boolean>`${roomMembers.archivedAt} is not null and (select coalesce(r.last_message_at, r.created_at) from ${rooms} r where r.id = ${roomId}) <= ${roomMembers.archivedAt}`,
      markedUnread: roomMembers.markedUnread,
    });
  return row && { pinnedAt: row.pinnedAt?.toISOString() ?? null, archived: row.archived, markedUnread: row.markedUnread };
}
