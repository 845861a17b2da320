/** Room and membership queries shared by the Worker and the room Durable Object. */
import { and, asc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../connection';
import type { WireMessage } from '../../durable-objects/protocol';
import { hiddenMessages, messages, roomMembers, rooms, userBlocks, users } from '../schema';

export interface RoomMemberView {
  userId: string;
  username: string;
  displayName: string;
  avatarId: string | null;
  role: 'admin' | 'member';
  lastReadSeq: number;
  /** The account was deleted: shown as "Deleted user", never written to, called or counted. */
  deleted: boolean;
}

/** What a room's details say about it, whoever asks (a member, or someone who left). */
export const roomColumns = {
  kind: rooms.kind,
  name: rooms.name,
  createdAt: rooms.createdAt,
  createdBy: rooms.createdBy,
  secret: rooms.secret,
};

/** The member's role and the room's kind, name, creation, picture and description, or undefined for non-members. */
export async function findMembership(db: Database, roomId: string, userId: string) {
  const [member] = await db
    .select({ role: roomMembers.role, ...roomColumns, avatarId: rooms.avatarId, description: rooms.description })
    .from(roomMembers)
    .innerJoin(rooms, eq(rooms.id, roomMembers.roomId))
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)))
    .limit(1);
  return member;
}

export async function listMembers(db: Database, roomId: string): Promise<RoomMemberView[]> {
  return db
    .select({
      userId: roomMembers.userId,
      username: users.username,
      displayName: users.displayName,
      avatarId: users.avatarId,
      role: roomMembers.role,
      lastReadSeq: roomMembers.lastReadSeq,
      deleted: sql<boolean>`${users.deletedAt} is not null`,
    })
    .from(roomMembers)
    .innerJoin(users, eq(users.id, roomMembers.userId))
    .where(eq(roomMembers.roomId, roomId))
    .orderBy(asc(users.username));
}

/** Whether the room is a secret chat (docs/e2e.md); it never changes after the room is made. */
export async function roomIsSecret(db: Database, roomId: string): Promise<boolean> {
  const [room] = await db.select({ secret: rooms.secret }).from(rooms).where(eq(rooms.id, roomId)).limit(1);
  return room?.secret ?? false;
}

/** Same pair, same room: the key orders the two ids so either side opens the same room. */
export function directKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/**
 * The pair's room; `created` is true for the call that made it. A secret chat (docs/e2e.md)
 * is another room of the same pair, keyed "secret:<pair>", beside their ordinary one.
 */
export async function openDirectRoom(
  db: Database,
  me: string,
  other: string,
  options: { secret?: boolean } = {},
): Promise<{ roomId: string; created: boolean }> {
  const secret = options.secret ?? false;
  const key = secret ? `secret:${directKey(me, other)}` : directKey(me, other);
  const inserted = await db
    .insert(rooms)
    .values({ kind: 'direct', directKey: key, createdBy: me, secret })
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
  return { roomId, created: inserted.length > 0 };
}

export interface RoomSummary {
  id: string;
  kind: 'direct' | 'group';
  name: string | null;
  lastSeq: number;
  lastMessageAt: string | null;
  lastReadSeq: number;
  unreadCount: number;
  /** The newest message, for the conversation list's preview (reactions omitted). */
  lastMessage: WireMessage | null;
  members: RoomMemberView[];
  /** My notifications for this room are silenced until then (ISO time; 'forever'), or null. */
  mutedUntil: string | null;
  /** When I pinned it (pinned rooms lead my list, most recently pinned first), or null. */
  pinnedAt: string | null;
  /** I archived it and no message came since: out of my main list, in "Archived". */
  archived: boolean;
  /** I marked it unread: shown unread until I open it again. */
  markedUnread: boolean;
  /** Unread messages that @mention me. */
  unreadMentions: number;
  createdAt: string;
  /** Who created the room (null if unknown); the app heads a group's timeline with it. */
  createdBy: string | null;
  /** A secret chat: lastMessage.content is ciphertext only its members' devices can open. */
  secret: boolean;
  /** A group's picture (GET /api/groups/:id/avatar/:avatarId, members only) and description; null when none, or not a member. */
  avatarId: string | null;
  description: string | null;
  /**
   * I left this group or was removed from it (former-members.ts): read-only, its history up
   * to `untilSeq` (null: not readable yet), until I delete it from my list. Null for my rooms.
   */
  former: FormerMembership | null;
}

export interface FormerMembership {
  reason: 'left' | 'removed';
  untilSeq: number | null;
  leftAt: string;
}

/** `m` @mentions me (user row `mu`), as the app reads one (web/app/lib/mentions.ts): @name not after a word character or @. */
const mentionsMe = sql`m.content ~* ('(^|[^[:alnum:]_@])@' || mu.username || '($|[^[:alnum:]_])')`;

/**
 * The message `m` of room `r` counts as unread for `userId` (member row `me`, user row `mu`):
 * after my read cursor, someone else's, not deleted, and not deleted by me for me
 * (hidden_messages; its primary key answers the lookup). A thread reply counts only if it is
 * for me, as the room's thread audience decides who hears of it (room/thread-audience.ts): it
 * mentions me, or I wrote its root or an earlier reply (messages_room_seq_key, messages_thread_idx).
 */
const unreadFor = (userId: string) => sql`m.room_id = r.id and m.seq > me.last_read_seq
  and m.sender_id is distinct from ${userId} and m.deleted_at is null
  and not exists (select 1 from ${hiddenMessages} h where h.user_id = ${userId} and h.room_id = m.room_id and h.seq = m.seq)
  and (m.thread_root_seq is null or ${mentionsMe}
    or exists (select 1 from ${messages} t where t.room_id = m.room_id and t.seq = m.thread_root_seq and t.sender_id = ${userId})
    or exists (select 1 from ${messages} t where t.room_id = m.room_id and t.thread_root_seq = m.thread_root_seq and t.seq < m.seq and t.sender_id = ${userId}))`;

export async function listRoomsOf(db: Database, userId: string): Promise<RoomSummary[]> {
  const rows = await db.execute<{
    id: string;
    kind: 'direct' | 'group';
    name: string | null;
    last_seq: string;
    last_message_at: string | null;
    last_read_seq: string;
    unread_count: string;
    last_message: LastMessageRow | null;
    members: RoomMemberView[];
    muted_until: string | null;
    pinned_at: string | null;
    archived: boolean;
    marked_unread: boolean;
    unread_mentions: string;
    created_at: string;
    created_by: string | null;
    secret: boolean;
    avatar_id: string | null;
    description: string | null;
  }>(sql`
    select r.id, r.kind, r.name, r.last_seq, r.last_message_at, me.last_read_seq, r.created_at, r.created_by, r.secret,
      r.avatar_id, r.description,
      case when me.muted_until > now() then ${mutedUntilSql(sql.raw('me.muted_until'))} end as muted_until,
      (select count(*) from ${messages} m where ${unreadFor(userId)}) as unread_count,
      me.pinned_at, me.marked_unread,
      (me.archived_at is not null and coalesce(r.last_message_at, r.created_at) <= me.archived_at) as archived,
      (select count(*) from ${messages} m where ${unreadFor(userId)} and ${mentionsMe}) as unread_mentions,
      ${lastMessageSql(sql`true`)} as last_message,
      ${membersJsonSql(sql`true`, sql`rm.last_read_seq`)} as members
    from ${roomMembers} me
    join ${rooms} r on r.id = me.room_id
    join ${users} mu on mu.id = me.user_id
    where me.user_id = ${userId}
    order by me.pinned_at desc nulls last, coalesce(r.last_message_at, r.created_at) desc
  `);
  return rows.rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    name: r.name,
    lastSeq: Number(r.last_seq),
    lastMessageAt: r.last_message_at ? new Date(r.last_message_at).toISOString() : null,
    lastReadSeq: Number(r.last_read_seq),
    unreadCount: Number(r.unread_count),
    lastMessage: wireLastMessage(r.last_message),
    members: wireMembers(r.members),
    mutedUntil: r.muted_until,
    pinnedAt: r.pinned_at ? new Date(r.pinned_at).toISOString() : null,
    archived: r.archived,
    markedUnread: r.marked_unread,
    unreadMentions: Number(r.unread_mentions),
    createdAt: new Date(r.created_at).toISOString(),
    createdBy: r.created_by,
    secret: r.secret,
    avatarId: r.avatar_id,
    description: r.description,
    former: null,
  }));
}

/** The newest message of room `r` (alias) that `filter` (on `m`) lets through, as JSON, for a list's preview. */
export function lastMessageSql(filter: SQL): SQL {
  return sql`(select json_build_object('id', m.id, 'roomId', m.room_id, 'seq', m.seq::text, 'senderId', m.sender_id,
          'clientId', m.client_id, 'type', m.message_type,
          'content', case when m.deleted_at is null then m.content else '' end,
          'replyToSeq', m.reply_to_seq::text, 'createdAt', m.created_at, 'editedAt', m.edited_at,
          'deletedAt', m.deleted_at, 'reactions', '[]'::json)
        from ${messages} m where m.room_id = r.id and ${filter} order by m.seq desc limit 1)`;
}

/** Room `r`'s members (alias `rm`, their user `u`) that `filter` lets through, as JSON, read cursors as `lastRead`. */
export function membersJsonSql(filter: SQL, lastRead: SQL): SQL {
  return sql`(select coalesce(json_agg(json_build_object(
          'userId', u.id, 'username', u.username, 'displayName', u.display_name,
          'avatarId', u.avatar_id, 'role', rm.role, 'lastReadSeq', ${lastRead},
          'deleted', u.deleted_at is not null) order by u.username), '[]'::json)
        from ${roomMembers} rm join ${users} u on u.id = rm.user_id where rm.room_id = r.id and ${filter})`;
}

export type LastMessageRow = Omit<WireMessage, 'seq' | 'replyToSeq'> & { seq: string; replyToSeq: string | null };

export function wireLastMessage(row: LastMessageRow | null): WireMessage | null {
  return (
    row && {
      ...row,
      seq: Number(row.seq),
      replyToSeq: row.replyToSeq === null ? null : Number(row.replyToSeq),
      createdAt: isoTime(row.createdAt),
      editedAt: row.editedAt && isoTime(row.editedAt),
      deletedAt: row.deletedAt && isoTime(row.deletedAt),
    }
  );
}

export function wireMembers(rows: RoomMemberView[]): RoomMemberView[] {
  return rows.map((m) => ({ ...m, lastReadSeq: Number(m.lastReadSeq) }));
}


/** A muted_until column as the API shows it: 'forever' (infinity), an ISO 8601 time, or null. */
export function mutedUntilSql(column: SQL) {
  return sql<string | null>`case when isfinite(${column}) then to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') when ${column} is not null then 'forever' end`;
}

// json_build_object renders timestamps in Postgres' format; the wire uses ISO 8601.
function isoTime(value: string): string {
  return new Date(value).toISOString();
}

export interface Contact {
  userId: string;
  lastSeenAt: Date | null;
}

/**
 * Whose presence (online, last seen) the user sees, and who sees theirs: the
 * privacy rule is symmetric. People who share a group, or who have both written
 * in their direct conversation; opening a direct chat with a stranger reveals
 * nothing. A block, either way, hides presence in both directions. A deleted
 * account has no contacts and is no one's.
 */
export async function contactsOf(db: Database, userId: string): Promise<Contact[]> {
  const rows = await db.execute<{ user_id: string; last_seen_at: string | null }>(sql`
    select distinct u.id as user_id, u.last_seen_at
    from ${roomMembers} mine
    join ${rooms} r on r.id = mine.room_id
    join ${roomMembers} theirs on theirs.room_id = mine.room_id and theirs.user_id <> mine.user_id
    join ${users} u on u.id = theirs.user_id and u.deleted_at is null
    join ${users} me on me.id = mine.user_id and me.deleted_at is null
    where mine.user_id = ${userId}
      and (r.kind = 'group' or (
        exists (select 1 from ${messages} m where m.room_id = r.id and m.sender_id = mine.user_id)
        and exists (select 1 from ${messages} m where m.room_id = r.id and m.sender_id = theirs.user_id)))
      and not exists (select 1 from ${userBlocks} b
        where (b.blocker_id = mine.user_id and b.blocked_id = theirs.user_id)
           or (b.blocker_id = theirs.user_id and b.blocked_id = mine.user_id))
  `);
  return rows.rows.map((r) => ({ userId: r.user_id, lastSeenAt: r.last_seen_at ? new Date(r.last_seen_at) : null }));
}

/** The direct room of a pair, if they have one. */
/** Which of `roomIds` are secret chats (docs/e2e.md). */
export async function secretRoomsAmong(db: Database, roomIds: string[]): Promise<string[]> {
  const rows = await db.select({ id: rooms.id }).from(rooms).where(and(inArray(rooms.id, roomIds), eq(rooms.secret, true)));
  return rows.map((r) => r.id);
}

export async function findDirectRoom(db: Database, a: string, b: string): Promise<string | undefined> {
  const [row] = await db.select({ id: rooms.id }).from(rooms).where(eq(rooms.directKey, directKey(a, b))).limit(1);
  return row?.id;
}

export async function touchLastSeen(db: Database, userId: string, at: Date): Promise<void> {
  await db.update(users).set({ lastSeenAt: at }).where(and(eq(users.id, userId), isNull(users.deletedAt)));
}

/** Room ids of a user, for fanning out a change that concerns all of them (logout). */
export async function roomIdsOf(db: Database, userId: string): Promise<string[]> {
  const rows = await db.select({ roomId: roomMembers.roomId }).from(roomMembers).where(eq(roomMembers.userId, userId));
  return rows.map((r) => r.roomId);
}
