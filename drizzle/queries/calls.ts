/**
 * The call log: one row per call attempt, written by the room's Durable Object.
 * A call id comes from the caller's client, so it is trusted for nothing: a
 * new call must create its own row (an id already used anywhere is refused),
 * and every later change names the room as well as the id.
 */
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { calls, rooms, userBlocks } from '../schema';

type CallRow = typeof calls.$inferSelect;
export type CallOutcome = CallRow['status'];

export async function recordCall(db: Database, call: {
  id: string;
  roomId: string;
  callerId: string;
  receiverId: string;
  media: 'voice' | 'video';
  status: CallOutcome;
  createdAt: Date;
  endedAt?: Date | null;
}): Promise<boolean> {
  const inserted = await db
    .insert(calls)
    .values({ ...call, endedAt: call.endedAt ?? null })
    .onConflictDoNothing()
    .returning({ id: calls.id });
  return inserted.length > 0;
}

/** Changes one room's call: an id from another room (or a guessed one) matches nothing. */
export async function updateCall(
  db: Database,
  roomId: string,
  id: string,
  change: { status?: CallOutcome; startedAt?: Date; endedAt?: Date },
): Promise<void> {
  await db
    .update(calls)
    .set(change)
    .where(and(eq(calls.id, id), eq(calls.roomId, roomId)));
}

/** Removes a call that never rang (the caller turned out to be busy elsewhere). */
export async function discardCall(db: Database, roomId: string, id: string): Promise<void> {
  await db.delete(calls).where(and(eq(calls.id, id), eq(calls.roomId, roomId), eq(calls.status, 'ringing')));
}

/** What decides whether a call may ring: the room's kind, and a block between the two people. */
export async function callPermission(db: Database, roomId: string, callerId: string, calleeId: string) {
  const rows = await db.execute<{ kind: 'direct' | 'group'; blocked: boolean }>(sql`
    select r.kind,
      exists (select 1 from ${userBlocks} b
        where (b.blocker_id = ${callerId} and b.blocked_id = ${calleeId})
           or (b.blocker_id = ${calleeId} and b.blocked_id = ${callerId})) as blocked
    from ${rooms} r where r.id = ${roomId}
  `);
  const row = rows.rows[0];
  return row ? { kind: row.kind, blocked: Boolean(row.blocked) } : undefined;
}

/** A room's calls, newest first, `before` a call's creation time for paging. */
export async function listCalls(db: Database, roomId: string, before: Date | undefined, limit: number) {
  const rows = await db
    .select()
    .from(calls)
    .where(before ? and(eq(calls.roomId, roomId), lt(calls.createdAt, before)) : eq(calls.roomId, roomId))
    .orderBy(desc(calls.createdAt))
    .limit(limit);
  return rows.map((r) => ({
    id: r.id,
    roomId: r.roomId,
    callerId: r.callerId,
    receiverId: r.receiverId,
    media: r.media,
    status: r.status,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    endedAt: r.endedAt?.toISOString() ?? null,
  }));
}
