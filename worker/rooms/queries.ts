/** Room, membership and history queries. */
import { and, asc, desc, eq, lt, sql } from 'drizzle-orm';
import type { Database } from '../../drizzle/connection';
import { messages, roomMembers, rooms, users } from '../../drizzle/schema';
import type { WireMessage } from '../../durable-objects/protocol';
import { forbidden } from '../http/errors';

export interface RoomMemberView {
  userId: string;
  username: string;
  displayName: string;
  role: 'admin' | 'member';
  lastReadSeq: number;
}

/** The caller's role in the room; a 403 (not 404, to not reveal which rooms exist? both are opaque ids) otherwise. */
export async function requireMembership(db: Database, roomId: string, userId: string) {
  const [member] = await db
    .select({ role: roomMembers.role, kind: rooms.kind })
    .from(roomMembers)
    .innerJoin(rooms, eq(rooms.id, roomMembers.roomId))
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)))
    .limit(1);
  if (!member) throw forbidden('you are not a member of this room');
  return member;
}

export async function listMembers(db: Database, roomId: string): Promise<RoomMemberView[]> {
  return db
    .select({
      userId: roomMembers.userId,
      username: users.username,
      displayName: users.displayName,
      role: roomMembers.role,
      lastReadSeq: roomMembers.lastReadSeq,
    })
    .from(roomMembers)
    .innerJoin(users, eq(users.id, roomMembers.userId))
    .where(eq(roomMembers.roomId, roomId))
    .orderBy(asc(users.username));
}

/** Same pair, same room: the key orders the two ids so either side opens the same room. */
export function directKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

export async function openDirectRoom(db: Database, me: string, other: string): Promise<string> {
  const key = directKey(me, other);
  const inserted = await db
    .insert(rooms)
    .values({ kind: 'direct', directKey: key, createdBy: me })
    .onConflictDoNothing({ target: rooms.directKey })
    .returning({ id: rooms.id });
  const roomId =
    inserted[0]?.id ??
    (await db.select({ id: rooms.id }).from(rooms).where(eq(rooms.directKey, key)).limit(1))[0]!.id;
  // Idempotent, so a request that failed half-way is completed by the next one.
  await db
    .insert(roomMembers)
    .values([
      { roomId, userId: me, role: 'member' },
      { roomId, userId: other, role: 'member' },
    ])
    .onConflictDoNothing();
  return roomId;
}

export interface RoomSummary {
  id: string;
  kind: 'direct' | 'group';
  name: string | null;
  lastSeq: number;
  lastMessageAt: string | null;
  lastReadSeq: number;
  unreadCount: number;
  members: RoomMemberView[];
}

export async function listRoomsOf(db: Database, userId: string): Promise<RoomSummary[]> {
  const rows = await db.execute<{
    id: string;
    kind: 'direct' | 'group';
    name: string | null;
    last_seq: string;
    last_message_at: string | null;
    last_read_seq: string;
    unread_count: string;
    members: RoomMemberView[];
  }>(sql`
    select r.id, r.kind, r.name, r.last_seq, r.last_message_at, me.last_read_seq,
      (select count(*) from ${messages} m
        where m.room_id = r.id and m.seq > me.last_read_seq
          and m.sender_id is distinct from ${userId} and m.deleted_at is null) as unread_count,
      (select coalesce(json_agg(json_build_object(
          'userId', u.id, 'username', u.username, 'displayName', u.display_name,
          'role', rm.role, 'lastReadSeq', rm.last_read_seq) order by u.username), '[]'::json)
        from ${roomMembers} rm join ${users} u on u.id = rm.user_id where rm.room_id = r.id) as members
    from ${roomMembers} me
    join ${rooms} r on r.id = me.room_id
    where me.user_id = ${userId}
    order by coalesce(r.last_message_at, r.created_at) desc
  `);
  return rows.rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    name: r.name,
    lastSeq: Number(r.last_seq),
    lastMessageAt: r.last_message_at ? new Date(r.last_message_at).toISOString() : null,
    lastReadSeq: Number(r.last_read_seq),
    unreadCount: Number(r.unread_count),
    members: r.members.map((m) => ({ ...m, lastReadSeq: Number(m.lastReadSeq) })),
  }));
}

export function toWireMessage(row: typeof messages.$inferSelect): WireMessage {
  const deleted = row.deletedAt !== null;
  return {
    id: row.id,
    roomId: row.roomId,
    seq: row.seq,
    senderId: row.senderId,
    clientId: row.clientId,
    type: row.messageType,
    content: deleted ? '' : row.content,
    replyToSeq: row.replyToSeq,
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt?.toISOString() ?? null,
    deletedAt: row.deletedAt?.toISOString() ?? null,
    reactions: [],
  };
}

/** Keyset pagination: newest first, strictly before `before` (a seq). */
export async function historyPage(db: Database, roomId: string, before: number | undefined, limit: number) {
  const rows = await db
    .select()
    .from(messages)
    .where(before === undefined ? eq(messages.roomId, roomId) : and(eq(messages.roomId, roomId), lt(messages.seq, before)))
    .orderBy(desc(messages.seq))
    .limit(limit);
  return rows.map(toWireMessage);
}
