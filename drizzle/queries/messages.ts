/**
 * Message reads and writes shared by the Worker (REST history) and the room's
 * Durable Object (catch-up on connect, persistence). Every read returns the wire
 * shape of durable-objects/protocol.ts, reactions included, in one round trip.
 */
import { and, asc, desc, eq, gt, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../connection';
import { messageReactions, messages, roomMembers, rooms } from '../schema';
import type { WireMessage } from '../../durable-objects/protocol';

type MessageRow = typeof messages.$inferSelect;
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
    replyToSeq: row.replyToSeq,
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt?.toISOString() ?? null,
    deletedAt: row.deletedAt?.toISOString() ?? null,
    reactions: deleted ? [] : reactions,
  };
}

async function selectMessages(db: Database, where: SQL | undefined, order: 'asc' | 'desc', limit: number) {
  const rows = await db
    .select({ message: messages, reactions: reactionsOf })
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

export interface NewMessage {
  id: string;
  senderId: string | null;
  type: 'text' | 'system' | 'call';
  clientId: string;
  content: string;
  replyToSeq: number | null;
}

export interface StoredMessage {
  id: string;
  seq: number;
  senderId: string | null;
  clientId: string;
  createdAt: Date;
}

/**
 * Inserts a batch of messages after `afterSeq` and advances the room's
 * `last_seq`, in a single statement (one round trip, whatever the batch size:
 * columns travel as arrays). A message whose (sender, clientId) is already
 * stored — a resend after a lost ack that the room no longer remembers — is
 * returned as stored instead, and the new messages are numbered consecutively
 * around it, so seqs stay contiguous. Only the room's object writes a room, so
 * nothing can slip in between the check and the insert.
 */
export async function insertMessages(db: Database, roomId: string, afterSeq: number, batch: NewMessage[]): Promise<StoredMessage[]> {
  const column = <T>(pick: (m: NewMessage) => T) => sql.param(batch.map(pick));
  const result = await db.execute<{ id: string; seq: string; sender_id: string | null; client_id: string; created_at: string }>(sql`
    with input as (
      select * from unnest(${column((m) => m.id)}::uuid[], ${column((m) => m.senderId)}::uuid[],
                           ${column((m) => m.clientId)}::text[], ${column((m) => m.type)}::text[],
                           ${column((m) => m.content)}::text[], ${column((m) => m.replyToSeq)}::bigint[])
        with ordinality as m(id, sender_id, client_id, message_type, content, reply_to_seq, ord)
    ),
    -- Resends already stored. One probe of the (room, sender, client) unique
    -- index per key: the LIMIT keeps the planner from turning the lateral into
    -- a join, which without statistics (a fresh table) read every row of the
    -- room at every commit.
    previous as (
      select i.ord, s.id, s.seq, s.sender_id, s.client_id, s.created_at
      from input i
      cross join lateral (
        select id, seq, sender_id, client_id, created_at from ${messages}
        where room_id = ${roomId}::uuid and sender_id = i.sender_id and client_id = i.client_id
        limit 1
      ) s
    ),
    fresh as (
      select i.*, ${afterSeq}::bigint + row_number() over (order by i.ord) as seq
      from input i
      where i.ord not in (select ord from previous)
    ),
    inserted as (
      insert into ${messages} (id, room_id, seq, sender_id, client_id, message_type, content, reply_to_seq)
      select id, ${roomId}::uuid, seq, sender_id, client_id, message_type, content, reply_to_seq from fresh
      on conflict (room_id, sender_id, client_id) do nothing
      returning id, seq, sender_id, client_id, created_at
    ),
    bumped as (
      update ${rooms} set last_seq = greatest(last_seq, (select max(seq) from inserted)),
        last_message_at = now()
      where id = ${roomId}::uuid and exists (select 1 from inserted)
    )
    select id, seq, sender_id, client_id, created_at from inserted
    union all
    select id, seq, sender_id, client_id, created_at from previous
  `);
  return result.rows.map((r) => ({
    id: r.id,
    seq: Number(r.seq),
    senderId: r.sender_id,
    clientId: r.client_id,
    createdAt: new Date(r.created_at),
  }));
}

/** The sender's edit; undefined when the message is not theirs, unknown or deleted. */
export async function editMessage(db: Database, roomId: string, seq: number, senderId: string, content: string) {
  const [row] = await db
    .update(messages)
    .set({ content, editedAt: sql`now()` })
    .where(and(eq(messages.roomId, roomId), eq(messages.seq, seq), eq(messages.senderId, senderId), sql`${messages.deletedAt} is null`))
    .returning({ seq: messages.seq });
  return row ? messageBySeq(db, roomId, seq) : undefined;
}

/** Tombstones the sender's message: it keeps its seq, loses its text and reactions. */
export async function deleteMessage(db: Database, roomId: string, seq: number, senderId: string) {
  const [row] = await db
    .update(messages)
    .set({ content: '', deletedAt: sql`now()` })
    .where(and(eq(messages.roomId, roomId), eq(messages.seq, seq), eq(messages.senderId, senderId), sql`${messages.deletedAt} is null`))
    .returning({ seq: messages.seq });
  if (!row) return undefined;
  await db.delete(messageReactions).where(and(eq(messageReactions.roomId, roomId), eq(messageReactions.seq, seq)));
  return messageBySeq(db, roomId, seq);
}

/** Adds or removes one user's emoji on a live message; undefined when there is no such message. */
export async function setReaction(db: Database, roomId: string, seq: number, userId: string, emoji: string, on: boolean) {
  const target = await messageBySeq(db, roomId, seq);
  if (!target || target.deletedAt) return undefined;
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
