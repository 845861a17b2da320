/**
 * My calls across every chat, newest first (the Calls screen, GET /api/calls). A call is mine
 * when I made it, was rung for it (a direct call's receiver, not for "busy": that never rang),
 * have a row of my own in a group call's log, or it is a group call still going on in my room
 * (its log rows are written when it ends; until then every member it rang sees it: not one
 * separated from its starter by a block, whom it did not ring); and only while I am a member of its room,
 * since before the call: a call of a room I have left, or joined after, is not shown.
 * Paged by (created_at, id), which is unique, so a page boundary never skips or repeats a call.
 */
import { and, desc, eq, isNotNull, lte, ne, or, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { callParticipants, calls, roomMembers, rooms, userBlocks, users } from '../schema';
import { myCallOutcome, type CallDirection, type MyCallOutcome } from './call-outcome';

export interface CallHistoryCursor {
  createdAt: Date;
  id: string;
}

export interface CallHistoryEntry {
  id: string;
  roomId: string;
  kind: 'direct' | 'group';
  media: 'voice' | 'video';
  direction: CallDirection;
  outcome: MyCallOutcome;
  durationMs: number | null;
  createdAt: string;
  /** The room as I know it: a secret chat's calls are bound to the other person's device. */
  room: { name: string | null; secret: boolean };
  /** Direct calls: the other person. */
  peer: { id: string; displayName: string; avatarId: string | null; deleted: boolean } | null;
  /** Group calls: how many people joined. */
  joined: number | null;
}

export async function listMyCalls(
  db: Database,
  me: string,
  before: CallHistoryCursor | undefined,
  limit: number,
): Promise<{ calls: CallHistoryEntry[]; nextCursor: CallHistoryCursor | null }> {
  const ringingGroupCall = and(
    eq(calls.kind, 'group'),
    eq(calls.status, 'ringing'),
    sql`not exists (select 1 from ${userBlocks} where (${userBlocks.blockerId} = ${me} and ${userBlocks.blockedId} = ${calls.callerId}) or (${userBlocks.blockerId} = ${calls.callerId} and ${userBlocks.blockedId} = ${me}))`,
  );
  const otherPerson = sql`case when ${calls.callerId} = ${me} then ${calls.receiverId} else ${calls.callerId} end`;
  const rows = await db
    .select({
      id: calls.id,
      roomId: calls.roomId,
      kind: calls.kind,
      media: calls.media,
      status: calls.status,
      callerId: calls.callerId,
      createdAt: calls.createdAt,
      startedAt: calls.startedAt,
      endedAt: calls.endedAt,
      roomName: rooms.name,
      secret: rooms.secret,
      myStatus: callParticipants.status,
      myDurationMs: callParticipants.durationMs,
      peerId: users.id,
      peerName: users.displayName,
      peerAvatarId: users.avatarId,
      peerDeletedAt: users.deletedAt,
      joined: sql<number>`(select count(*)::int from call_participants joined where joined.call_id = ${calls.id} and joined.status = 'joined')`,
    })
    .from(calls)
    .innerJoin(rooms, eq(rooms.id, calls.roomId))
    .innerJoin(roomMembers, and(eq(roomMembers.roomId, calls.roomId), eq(roomMembers.userId, me), lte(roomMembers.joinedAt, calls.createdAt)))
    .leftJoin(callParticipants, and(eq(callParticipants.callId, calls.id), eq(callParticipants.userId, me)))
    .leftJoin(users, and(eq(calls.kind, 'direct'), eq(users.id, otherPerson)))
    .where(
      and(
        or(eq(calls.callerId, me), and(eq(calls.receiverId, me), ne(calls.status, 'busy')), isNotNull(callParticipants.userId), ringingGroupCall),
        before ? sql`(${calls.createdAt}, ${calls.id}) < (${before.createdAt.toISOString()}::timestamptz, ${before.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(calls.createdAt), desc(calls.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    calls: page.map((r) => ({
      id: r.id,
      roomId: r.roomId,
      kind: r.kind,
      media: r.media,
      ...myCallOutcome({ ...r, mine: r.myStatus ? { status: r.myStatus, durationMs: r.myDurationMs ?? 0 } : null }, me),
      createdAt: r.createdAt.toISOString(),
      room: { name: r.kind === 'group' ? r.roomName : null, secret: r.secret },
      peer: r.peerId ? { id: r.peerId, displayName: r.peerName!, avatarId: r.peerAvatarId, deleted: r.peerDeletedAt !== null } : null,
      joined: r.kind === 'group' ? r.joined : null,
    })),
    nextCursor: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null,
  };
}
