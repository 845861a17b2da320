/** The call log: one row per call attempt, written by the room's Durable Object. */
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Database } from '../connection';
import { calls } from '../schema';

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
}): Promise<void> {
  await db
    .insert(calls)
    .values({ ...call, endedAt: call.endedAt ?? null })
    .onConflictDoNothing();
}

export async function updateCall(
  db: Database,
  id: string,
  change: { status?: CallOutcome; startedAt?: Date; endedAt?: Date },
): Promise<void> {
  await db.update(calls).set(change).where(eq(calls.id, id));
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
