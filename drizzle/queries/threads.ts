/**
 * A thread's replies and its root's summary in Postgres: the part of a thread older than
 * the room's tail (the rest is in the room's log: durable-objects/room/message-log.ts).
 */
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { messages } from '../schema';
import { selectMessages } from './messages';

/** Replies of thread `rootSeq` with seq in (after, below), oldest first. */
export function threadRepliesBetween(db: Database, roomId: string, rootSeq: number, after: number, below: number, limit: number) {
  return selectMessages(
    db,
    and(eq(messages.roomId, roomId), eq(messages.threadRootSeq, rootSeq), gt(messages.seq, after), lt(messages.seq, below)),
    'asc',
    limit,
  );
}

/** Counts a root's live replies again (one of them was deleted in Postgres). */
export async function recountThread(db: Database, roomId: string, rootSeq: number): Promise<void> {
  await db.execute(sql`
    update ${messages} root set
      thread_reply_count = c.n, thread_last_reply_at = c.last
    from (
      select count(*) as n, max(created_at) as last from ${messages}
      where room_id = ${roomId}::uuid and thread_root_seq = ${rootSeq} and deleted_at is null
    ) c
    where root.room_id = ${roomId}::uuid and root.seq = ${rootSeq}
  `);
}

