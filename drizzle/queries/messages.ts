/**
 * Message reads and writes shared by the Worker (REST history) and the room's
 * Durable Object (catch-up on connect, persistence). Every read returns the wire
 * shape of durable-objects/protocol.ts, reactions included, in one round trip.
 */
import { and, asc, desc, eq, getTableColumns, gt, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../connection';
import { messageReactions, messages, roomMembers, rooms } from '../schema';
import { forwardMark, type WireMessage } from '../../durable-objects/protocol';
import { checkReaction } from '../../durable-objects/room/reaction-limits';
import { threadSummaryOf } from '../../durable-objects/room/thread-summary';

// Every column but search_vector: it is for search alone, and as text it is longer
// than the message itself, which every history page would carry for nothing.
const { searchVector: _searchVector, ...columnsButSearch } = getTableColumns(messages);
export const messageColumns = columnsButSearch;
type MessageRow = Omit<typeof messages.$inferSelect, 'searchVector'>;
type Reaction = WireMessage['reactions'][number];

// Reactions of a message grouped by emoji, oldest reactor first; a correlated
// subquery keeps it one round trip and uses the reactions primary key. Written
// with explicit names: drizzle renders columns unqualified here, which would
// silently correlate the subquery with itself.
const reactionsOf = sql<Reaction[]>`coalesce((
  select json_agg(json_build_object('emoji', r.emoji, 'userIds', r.user_ids) order by r.first_at)
  from (
    select emoji, array_agg(user_id::text order by created_at) as user_ids, min(created_at) as first_at
    from message_reactions mr
    where mr.room_id = "messages"."room_id" and mr.seq = "messages"."seq"
    group by emoji
  ) r
), '[]'::json)`;

export function toWireMessage(row: MessageRow, reactions: Reaction[] = []): WireMessage {
  const deleted = row.deletedAt !== null;
  return {
    id: row.id,
    roomId: row.roomId,
    seq: row.seq,
    senderId: row.senderId,
    clientId: row.clientId,
    type: row.messageType,
    // A tombstone keeps its place in the order but not its text.
    content: deleted ? '' : row.content,
    ...(row.attachment && !deleted ? { attachment: row.attachment } : {}),
    ...(row.linkPreview && !deleted ? { linkPreview: row.linkPreview } : {}),
    ...forwardMark(row.clientId),
    replyToSeq: row.replyToSeq,
    ...(row.threadRootSeq === null ? {} : { threadRootSeq: row.threadRootSeq }),
    ...threadSummaryOf(row.threadReplyCount, row.threadLastReplyAt?.toISOString() ?? null),
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt?.toISOString() ?? null,
    deletedAt: row.deletedAt?.toISOString() ?? null,
    reactions: deleted ? [] : reactions,
  };
}

export async function selectMessages(db: Database, where: SQL | undefined, order: 'asc' | 'desc', limit: number) {
  const rows = await db
    .select({ message: messageColumns, reactions: reactionsOf })
    .from(messages)
    .where(where)
    .orderBy(order === 'asc' ? asc(messages.seq) : desc(messages.seq))
    .limit(limit);
  return rows.map((r) => toWireMessage(r.message, r.reactions));
}

/** Keyset pagination for history: newest first, strictly before `before`. */
export function messagesBefore(db: Database, roomId: string, before: number | undefined, limit: number) {
  const inRoom = eq(messages.roomId, roomId);
  return selectMessages(db, before === undefined ? inRoom : and(inRoom, lt(messages.seq, before)), 'desc', limit);
}

/** Catch-up after a reconnect: oldest first, in (after, upTo]. */
export function messagesAfter(db: Database, roomId: string, after: number, upTo: number, limit: number) {
  return selectMessages(
    db,
    and(eq(messages.roomId, roomId), gt(messages.seq, after), lte(messages.seq, upTo)),
    'asc',
    limit,
  );
}

export async function messageBySeq(db: Database, roomId: string, seq: number): Promise<WireMessage | undefined> {
  const [message] = await selectMessages(db, and(eq(messages.roomId, roomId), eq(messages.seq, seq)), 'asc', 1);
  return message;
}

export async function highestSeq(db: Database, roomId: string): Promise<number> {
  const [row] = await db
    .select({ seq: sql<string>`coalesce(max(${messages.seq}), 0)` })
    .from(messages)
    .where(eq(messages.roomId, roomId));
  return Number(row?.seq ?? 0);
}

/** A read cursor as the room holds it. */
export interface RoomReadCursor {
  userId: string;
  seq: number;
}

/**
 * Writes the room's log behind it: the current state of each message given
 * (inserted, or its edit, tombstone and reactions replaced) and members' read
 * cursors, and advances the room's `last_seq`, in one statement (one round trip,
 * atomic; columns travel as arrays). Replaying it changes nothing, so a flush
 * whose reply was lost is simply sent again.
 *
 * The room assigns every seq. A message whose (sender, clientId) Postgres
 * already holds under another seq (a resend the room had long forgotten) keeps
 * its seq and is stored with a suffixed clientId, so the log stays gapless and
 * the flush can never be refused forever.
 */
export async function writeRoomLog(db: Database, roomId: string, batch: WireMessage[], reads: RoomReadCursor[]): Promise<void> {
  const column = <T>(pick: (m: WireMessage) => T) => sql.param(batch.map(pick));
  const reactions = batch.flatMap((m) => m.reactions.flatMap((r) => r.userIds.map((userId) => ({ seq: m.seq, userId, emoji: r.emoji }))));
  const reaction = <T>(pick: (r: (typeof reactions)[number]) => T) => sql.param(reactions.map(pick));
  await db.execute(sql`
    with input as (
      select * from unnest(${column((m) => m.id)}::uuid[], ${column((m) => m.seq)}::bigint[],
                           ${column((m) => m.senderId)}::uuid[], ${column((m) => m.clientId)}::text[],
                           ${column((m) => m.type)}::text[], ${column((m) => m.content)}::text[],
                           ${column((m) => m.replyToSeq)}::bigint[], ${column((m) => m.createdAt)}::timestamptz[],
                           ${column((m) => m.editedAt)}::timestamptz[], ${column((m) => m.deletedAt)}::timestamptz[],
                           ${column((m) => (m.attachment ? JSON.stringify(m.attachment) : null))}::jsonb[],
                           ${column((m) => (m.linkPreview ? JSON.stringify(m.linkPreview) : null))}::jsonb[],
                           ${column((m) => m.threadRootSeq ?? null)}::bigint[],
                           ${column((m) => m.thread?.replyCount ?? 0)}::integer[],
                           ${column((m) => m.thread?.lastReplyAt ?? null)}::timestamptz[])
        as m(id, seq, sender_id, client_id, message_type, content, reply_to_seq, created_at, edited_at, deleted_at, attachment, link_preview,
             thread_root_seq, thread_reply_count, thread_last_reply_at)
    ),
    upserted as (
      insert into ${messages} (id, room_id, seq, sender_id, client_id, message_type, content, reply_to_seq, created_at, edited_at, deleted_at, attachment, link_preview,
        thread_root_seq, thread_reply_count, thread_last_reply_at)
      select i.id, ${roomId}::uuid, i.seq, i.sender_id,
        case when exists (
          select 1 from ${messages} s
          where s.room_id = ${roomId}::uuid and s.sender_id = i.sender_id and s.client_id = i.client_id and s.seq <> i.seq
        ) then i.client_id || ':seq' || i.seq else i.client_id end,
        i.message_type, i.content, i.reply_to_seq, i.created_at, i.edited_at, i.deleted_at, i.attachment, i.link_preview,
        i.thread_root_seq, i.thread_reply_count, i.thread_last_reply_at
      from input i
      on conflict (room_id, seq) do update
        set content = excluded.content, edited_at = excluded.edited_at, deleted_at = excluded.deleted_at,
          attachment = excluded.attachment, link_preview = excluded.link_preview,
          thread_reply_count = excluded.thread_reply_count, thread_last_reply_at = excluded.thread_last_reply_at
      returning seq
    ),
    -- Roots older than the room's tail (not in this batch: a tail root's summary comes with it,
    -- counted by the room) are counted here over the replies stored and those in this batch,
    -- which one statement's snapshot cannot see in the table yet.
    thread_counts as (
      update ${messages} root set thread_reply_count = c.n, thread_last_reply_at = c.last
      from (
        select t.seq, count(*) filter (where r.deleted_at is null) as n, max(r.created_at) filter (where r.deleted_at is null) as last
        from (select distinct thread_root_seq as seq from input where thread_root_seq is not null and thread_root_seq not in (select seq from input)) t
        cross join lateral (
          select s.deleted_at, s.created_at from ${messages} s
          where s.room_id = ${roomId}::uuid and s.thread_root_seq = t.seq and s.seq not in (select seq from input)
          union all
          select i.deleted_at, i.created_at from input i where i.thread_root_seq = t.seq
        ) r
        group by t.seq
      ) c
      where root.room_id = ${roomId}::uuid and root.seq = c.seq
    ),
    reactions_now as (
      select * from unnest(${reaction((r) => r.seq)}::bigint[], ${reaction((r) => r.userId)}::uuid[], ${reaction((r) => r.emoji)}::text[])
        as r(seq, user_id, emoji)
    ),
    reactions_gone as (
      delete from ${messageReactions} mr
      where mr.room_id = ${roomId}::uuid and mr.seq in (select seq from input)
        and not exists (select 1 from reactions_now r where r.seq = mr.seq and r.user_id = mr.user_id and r.emoji = mr.emoji)
    ),
    reactions_added as (
      insert into ${messageReactions} (room_id, seq, user_id, emoji)
      select ${roomId}::uuid, seq, user_id, emoji from reactions_now
      on conflict do nothing
    ),
    cursors as (
      update ${roomMembers} rm set last_read_seq = greatest(rm.last_read_seq, r.seq)
      from unnest(${sql.param(reads.map((r) => r.userId))}::uuid[], ${sql.param(reads.map((r) => r.seq))}::bigint[]) as r(user_id, seq)
      where rm.room_id = ${roomId}::uuid and rm.user_id = r.user_id
    )
    update ${rooms} set last_seq = greatest(last_seq, (select max(seq) from input)),
      last_message_at = greatest(last_message_at, (select max(created_at) from input))
    where id = ${roomId}::uuid and exists (select 1 from input)
  `);
}

/**
 * The sender's own live message: text for an edit, anything a member sends for a
 * delete. Call records and system lines are the server's.
 */
function ownLive(roomId: string, seq: number, senderId: string, change: 'edit' | 'delete') {
  return and(
    eq(messages.roomId, roomId),
    eq(messages.seq, seq),
    eq(messages.senderId, senderId),
    change === 'edit' ? eq(messages.messageType, 'text') : inArray(messages.messageType, ['text', 'image', 'file', 'voice', 'secret']),
    sql`${messages.deletedAt} is null`,
  );
}

/** The sender's edit; undefined when the message is not theirs, unknown or deleted. */
export async function editMessage(db: Database, roomId: string, seq: number, senderId: string, content: string) {
  const [row] = await db
    .update(messages)
    .set({ content, editedAt: sql`now()` })
    .where(ownLive(roomId, seq, senderId, 'edit'))
    .returning({ seq: messages.seq });
  return row ? messageBySeq(db, roomId, seq) : undefined;
}

/** Tombstones the sender's message: it keeps its seq, loses its text and reactions. */
export async function deleteMessage(db: Database, roomId: string, seq: number, senderId: string) {
  const [row] = await db
    .update(messages)
    .set({ content: '', attachment: null, linkPreview: null, deletedAt: sql`now()` })
    .where(ownLive(roomId, seq, senderId, 'delete'))
    .returning({ seq: messages.seq });
  if (!row) return undefined;
  await db.delete(messageReactions).where(and(eq(messageReactions.roomId, roomId), eq(messageReactions.seq, seq)));
  return messageBySeq(db, roomId, seq);
}

/** Adds or removes one user's emoji on a live message; undefined when there is no such message. */
export async function setReaction(db: Database, roomId: string, seq: number, userId: string, emoji: string, on: boolean) {
  const target = await messageBySeq(db, roomId, seq);
  if (!target || target.deletedAt) return undefined;
  if (!checkReaction(target.reactions.map((r) => r.emoji), emoji, on).ok) return 'too_many_reactions' as const;
  if (on) {
    await db.insert(messageReactions).values({ roomId, seq, userId, emoji }).onConflictDoNothing();
  } else {
    await db
      .delete(messageReactions)
      .where(
        and(
          eq(messageReactions.roomId, roomId),
          eq(messageReactions.seq, seq),
          eq(messageReactions.userId, userId),
          eq(messageReactions.emoji, emoji),
        ),
      );
  }
  return messageBySeq(db, roomId, seq);
}

/** Moves a member's read cursor forward only; returns the cursor now stored. */
export async function markRead(db: Database, roomId: string, userId: string, seq: number): Promise<number | undefined> {
  const [row] = await db
    .update(roomMembers)
    .set({ lastReadSeq: sql`greatest(${roomMembers.lastReadSeq}, ${seq})` })
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)))
    .returning({ lastReadSeq: roomMembers.lastReadSeq });
  return row?.lastReadSeq;
}
