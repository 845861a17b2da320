/**
 * What people do to messages besides sending them: pins (per room), stars (per user) and
 * "delete for me" (per user). Each names a message by room and seq, like a reply does.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { hiddenMessages, messageStars, messages, roomMembers, roomPins } from '../schema';
import { MAX_PINS_PER_ROOM, type Pin, type WireMessage } from '../../durable-objects/protocol';
import { messageColumns, toWireMessage } from './messages';


// ------------------------------------------------------------------ pins

/** The room's pins, newest pin first. */
export async function listPins(db: Database, roomId: string): Promise<Pin[]> {
  const rows = await db
    .select({ seq: roomPins.seq, pinnedBy: roomPins.pinnedBy, pinnedAt: roomPins.pinnedAt })
    .from(roomPins)
    .where(eq(roomPins.roomId, roomId))
    .orderBy(desc(roomPins.pinnedAt), desc(roomPins.seq))
    .limit(MAX_PINS_PER_ROOM);
  return rows.map((r) => ({ seq: r.seq, pinnedBy: r.pinnedBy, pinnedAt: r.pinnedAt.toISOString() }));
}

export type PinResult = 'pinned' | 'already' | 'full';

/**
 * Pins `seq` unless the room is full. One statement: the count and the insert see the
 * same rows, so two pins at once cannot both take the last place.
 */
export async function pinMessage(db: Database, roomId: string, seq: number, userId: string): Promise<PinResult> {
  const inserted = await db.execute(sql`
    insert into ${roomPins} (room_id, seq, pinned_by)
    select ${roomId}, ${seq}, ${userId}
    where (select count(*) from ${roomPins} where room_id = ${roomId}) < ${MAX_PINS_PER_ROOM}
    on conflict do nothing
    returning seq`);
  if (inserted.rows.length > 0) return 'pinned';
  const [existing] = await db
    .select({ seq: roomPins.seq })
    .from(roomPins)
    .where(and(eq(roomPins.roomId, roomId), eq(roomPins.seq, seq)));
  return existing ? 'already' : 'full';
}

/** True when the pin was there. */
export async function unpinMessage(db: Database, roomId: string, seq: number): Promise<boolean> {
  const deleted = await db
    .delete(roomPins)
    .where(and(eq(roomPins.roomId, roomId), eq(roomPins.seq, seq)))
    .returning({ seq: roomPins.seq });
  return deleted.length > 0;
}

// ------------------------------------------------------------------ stars

/** Most starred messages listed at once (newest star first). */
export const MAX_STARS_LISTED = 200;

export async function setStar(db: Database, userId: string, roomId: string, seq: number, on: boolean): Promise<void> {
  if (on) {
    await db.insert(messageStars).values({ userId, roomId, seq }).onConflictDoNothing();
  } else {
    await db.delete(messageStars).where(and(eq(messageStars.userId, userId), eq(messageStars.roomId, roomId), eq(messageStars.seq, seq)));
  }
}

export interface StarredMessage {
  roomId: string;
  seq: number;
  starredAt: string;
  /** Null while the message is only in its room's log (Postgres is written behind the room, within seconds). */
  message: WireMessage | null;
}

/**
 * My starred messages, newest star first, in rooms I am still a member of, without
 * those deleted (for everyone) or deleted for me since.
 */
export async function listStars(db: Database, userId: string): Promise<StarredMessage[]> {
  const rows = await db
    .select({ roomId: messageStars.roomId, seq: messageStars.seq, starredAt: messageStars.createdAt, message: messageColumns })
    .from(messageStars)
    .innerJoin(roomMembers, and(eq(roomMembers.roomId, messageStars.roomId), eq(roomMembers.userId, userId)))
    .leftJoin(messages, and(eq(messages.roomId, messageStars.roomId), eq(messages.seq, messageStars.seq)))
    .where(
      and(
        eq(messageStars.userId, userId),
        sql`${messages.deletedAt} is null`,
        sql`not exists (select 1 from ${hiddenMessages} h where h.user_id = ${userId} and h.room_id = ${messageStars.roomId} and h.seq = ${messageStars.seq})`,
      ),
    )
    .orderBy(desc(messageStars.createdAt))
    .limit(MAX_STARS_LISTED);
  return rows.map((r) => ({
    roomId: r.roomId,
    seq: r.seq,
    starredAt: r.starredAt.toISOString(),
    message: r.message ? toWireMessage(r.message) : null,
  }));
}

// ------------------------------------------------------------------ delete for me

export async function hideMessage(db: Database, userId: string, roomId: string, seq: number): Promise<void> {
  await db.insert(hiddenMessages).values({ userId, roomId, seq }).onConflictDoNothing();
}

/** The seqs of a room that `userId` deleted for themselves, ascending. */
export async function hiddenSeqs(db: Database, userId: string, roomId: string): Promise<number[]> {
  const rows = await db
    .select({ seq: hiddenMessages.seq })
    .from(hiddenMessages)
    .where(and(eq(hiddenMessages.userId, userId), eq(hiddenMessages.roomId, roomId)))
    .orderBy(hiddenMessages.seq);
  return rows.map((r) => r.seq);
}
