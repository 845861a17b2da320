/**
 * Groups someone left or was removed from, kept in their list read-only (schema.ts
 * formerMembers): the history up to the line that said so, nothing after. Every read here is
 * bounded by `until_seq`; a row whose limit is not set yet reads nothing.
 */
import { and, eq, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../connection';
import { formerMembers, messages, rooms } from '../schema';
import {
  lastMessageSql,
  roomColumns,
  membersJsonSql,
  wireLastMessage,
  wireMembers,
  type FormerMembership,
  type LastMessageRow,
  type RoomMemberView,
  type RoomSummary,
} from './rooms';

/** The room posted the line about them at `untilSeq`: their history ends there. */
export async function setFormerUntil(db: Database, roomId: string, userIds: string[], untilSeq: number): Promise<void> {
  if (userIds.length === 0) return;
  await db
    .update(formerMembers)
    .set({ untilSeq })
    .where(and(eq(formerMembers.roomId, roomId), inArray(formerMembers.userId, userIds), isNull(formerMembers.untilSeq)));
}

export interface FormerRoom extends FormerMembership {
  kind: 'direct' | 'group';
  name: string | null;
  createdAt: Date;
  createdBy: string | null;
  secret: boolean;
}

/** My read-only copy of a room, or undefined when I never was in it, or deleted it from my list. */
export async function findFormerMembership(db: Database, roomId: string, userId: string): Promise<FormerRoom | undefined> {
  const [row] = await db
    .select({ reason: formerMembers.reason, untilSeq: formerMembers.untilSeq, leftAt: formerMembers.leftAt, ...roomColumns })
    .from(formerMembers)
    .innerJoin(rooms, eq(rooms.id, formerMembers.roomId))
    .where(and(eq(formerMembers.roomId, roomId), eq(formerMembers.userId, userId)))
    .limit(1);
  return row && { ...row, leftAt: row.leftAt.toISOString() };
}

/** "Delete chat" for a group I am no longer in: false if there was nothing to delete. */
export async function forgetFormerRoom(db: Database, roomId: string, userId: string): Promise<boolean> {
  const rows = await db
    .delete(formerMembers)
    .where(and(eq(formerMembers.roomId, roomId), eq(formerMembers.userId, userId)))
    .returning({ roomId: formerMembers.roomId });
  return rows.length > 0;
}

/**
 * The people a former member may see in the room: those who joined before they left (nobody
 * added since), with read cursors no further than their limit (no receipts from after).
 */
const formerView = (untilSeq: SQL, leftAt: SQL) => membersJsonSql(sql`rm.joined_at <= ${leftAt}`, sql`least(rm.last_read_seq, ${untilSeq})`);

export async function formerMembersOf(db: Database, roomId: string, former: FormerMembership): Promise<RoomMemberView[]> {
  const rows = await db.execute<{ members: RoomMemberView[] }>(
    sql`select ${formerView(sql`${former.untilSeq ?? 0}::bigint`, sql`${former.leftAt}::timestamptz`)} as members from ${rooms} r where r.id = ${roomId}`,
  );
  return wireMembers(rows.rows[0]?.members ?? []);
}

/** My former groups as list entries: read-only, nothing unread, the preview no later than my limit. */
export async function listFormerRoomsOf(db: Database, userId: string): Promise<RoomSummary[]> {
  const rows = await db.execute<{
    id: string;
    kind: 'direct' | 'group';
    name: string | null;
    reason: 'left' | 'removed';
    until_seq: string | null;
    left_at: string;
    created_at: string;
    created_by: string | null;
    secret: boolean;
    last_message: LastMessageRow | null;
    members: RoomMemberView[];
  }>(sql`
    select r.id, r.kind, r.name, f.reason, f.until_seq, f.left_at, r.created_at, r.created_by, r.secret,
      ${lastMessageSql(sql`m.seq <= coalesce(f.until_seq, 0)`)} as last_message,
      ${formerView(sql`coalesce(f.until_seq, 0)`, sql`f.left_at`)} as members
    from ${formerMembers} f
    join ${rooms} r on r.id = f.room_id
    where f.user_id = ${userId}
    order by f.left_at desc
  `);
  return rows.rows.map((r) => {
    const untilSeq = r.until_seq === null ? null : Number(r.until_seq);
    const leftAt = new Date(r.left_at).toISOString();
    const lastMessage = wireLastMessage(r.last_message);
    return {
      id: r.id,
      kind: r.kind,
      name: r.name,
      lastSeq: lastMessage?.seq ?? 0,
      lastMessageAt: leftAt,
      lastReadSeq: untilSeq ?? 0,
      unreadCount: 0,
      lastMessage,
      members: wireMembers(r.members),
      mutedUntil: null,
      pinnedAt: null,
      archived: false,
      markedUnread: false,
      unreadMentions: 0,
      createdAt: new Date(r.created_at).toISOString(),
      createdBy: r.created_by,
      secret: r.secret,
      // The picture and description are for members only.
      avatarId: null,
      description: null,
      former: { reason: r.reason, untilSeq, leftAt },
    };
  });
}

/** Attachment `id` was sent in room `roomId` at or before `untilSeq` (and not deleted since). */
export async function attachmentSentBy(db: Database, roomId: string, id: string, untilSeq: number): Promise<boolean> {
  const rows = await db
    .select({ seq: messages.seq })
    .from(messages)
    .where(and(eq(messages.roomId, roomId), lte(messages.seq, untilSeq), isNull(messages.deletedAt), sql`${messages.attachment}->>'id' = ${id}`))
    .limit(1);
  return rows.length > 0;
}
