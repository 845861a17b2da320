/**
 * The call log: one row per call attempt, written by the room's Durable Object.
 * A call id comes from the caller's client, so it is trusted for nothing: a
 * new call must create its own row (an id already used anywhere is refused),
 * and every later change names the room as well as the id.
 */
import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { callParticipants, calls, rooms, userBlocks } from '../schema';

type CallRow = typeof calls.$inferSelect;
export type CallOutcome = CallRow['status'];

export async function recordCall(db: Database, call: {
  id: string;
  roomId: string;
  callerId: string;
  receiverId: string | null;
  media: 'voice' | 'video';
  kind?: 'direct' | 'group';
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
  change: { status?: CallOutcome; media?: 'video'; startedAt?: Date; endedAt?: Date },
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

/** The room's kind, or undefined for a room that does not exist. */
export async function roomKind(db: Database, roomId: string): Promise<'direct' | 'group' | undefined> {
  const [row] = await db.select({ kind: rooms.kind }).from(rooms).where(eq(rooms.id, roomId)).limit(1);
  return row?.kind;
}

export interface GroupCallPerson {
  userId: string;
  joinedAt: Date | null;
  leftAt: Date | null;
  durationMs: number;
}

/**
 * A group call is over: its outcome (accepted once a second person joined, else missed) and
 * its people, joined or missed, in one transaction-free pair of statements (both idempotent).
 */
export async function finishGroupCall(
  db: Database,
  roomId: string,
  callId: string,
  outcome: { status: CallOutcome; startedAt: Date | null; endedAt: Date; people: GroupCallPerson[] },
): Promise<void> {
  await updateCall(db, roomId, callId, { status: outcome.status, endedAt: outcome.endedAt, ...(outcome.startedAt ? { startedAt: outcome.startedAt } : {}) });
  if (!outcome.people.length) return;
  await db
    .insert(callParticipants)
    .values(
      outcome.people.map((p) => ({
        callId,
        userId: p.userId,
        status: p.joinedAt ? ('joined' as const) : ('missed' as const),
        joinedAt: p.joinedAt,
        leftAt: p.leftAt,
        durationMs: Math.round(p.durationMs),
      })),
    )
    .onConflictDoNothing();
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
  const groupIds = rows.filter((r) => r.kind === 'group').map((r) => r.id);
  const people = groupIds.length
    ? await db.select().from(callParticipants).where(inArray(callParticipants.callId, groupIds))
    : [];
  return rows.map((r) => ({
    id: r.id,
    roomId: r.roomId,
    callerId: r.callerId,
    receiverId: r.receiverId,
    kind: r.kind,
    media: r.media,
    status: r.status,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    endedAt: r.endedAt?.toISOString() ?? null,
    // Group calls: who joined (when, for how long) and who missed it.
    ...(r.kind === 'group'
      ? {
          participants: people
            .filter((p) => p.callId === r.id)
            .map((p) => ({
              userId: p.userId,
              status: p.status,
              joinedAt: p.joinedAt?.toISOString() ?? null,
              leftAt: p.leftAt?.toISOString() ?? null,
              durationMs: p.durationMs,
            })),
        }
      : {}),
  }));
}
