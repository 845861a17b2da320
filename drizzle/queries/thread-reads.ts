/**
 * Each member's reading of each thread (thread_reads): the newest reply they saw, per root. A
 * mark only moves forward, so devices that report out of order cannot un-read a thread.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { roomMembers, threadReads } from '../schema';

/** Moves my mark of the thread at `rootSeq` up to `seq`; false when I am not a member of the room. */
export async function markThreadRead(db: Database, roomId: string, userId: string, rootSeq: number, seq: number): Promise<boolean> {
  const rows = await db.execute(sql`
    insert into ${threadReads} (room_id, user_id, root_seq, seen_seq)
    select ${roomMembers.roomId}, ${roomMembers.userId}, ${rootSeq}, ${seq}
    from ${roomMembers}
    where ${roomMembers.roomId} = ${roomId} and ${roomMembers.userId} = ${userId}
    on conflict (room_id, user_id, root_seq)
      do update set seen_seq = greatest(${threadReads.seenSeq}, excluded.seen_seq), updated_at = now()
    returning 1
  `);
  return rows.rows.length > 0;
}

/** My marks in the room by root seq (membership is the caller's to check: findMembership). */
export async function threadReadsOf(db: Database, roomId: string, userId: string): Promise<Record<number, number>> {
  const rows = await db
    .select({ rootSeq: threadReads.rootSeq, seenSeq: threadReads.seenSeq })
    .from(threadReads)
    .where(and(eq(threadReads.roomId, roomId), eq(threadReads.userId, userId)));
  return Object.fromEntries(rows.map((r) => [r.rootSeq, r.seenSeq]));
}
