/**
 * What a new block changes at once (later requests are refused by the checks
 * in rooms/queries.ts, contactsOf and the call controller): the pair's direct
 * conversation sockets are closed, and each inbox is told the other is offline
 * with no last-seen time, so neither keeps showing the other's presence.
 */
import { and, gt, inArray, isNull } from 'drizzle-orm';
import type { Database } from '../../drizzle/connection';
import { findDirectRoom } from '../../drizzle/queries/rooms';
import { sessions } from '../../drizzle/schema';
import type { Env } from '../env';

export async function applyBlock(env: Env, db: Database, blockerId: string, blockedId: string): Promise<void> {
  const work: Promise<unknown>[] = [];
  const roomId = await findDirectRoom(db, blockerId, blockedId);
  if (roomId) {
    const live = await db
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(inArray(sessions.userId, [blockerId, blockedId]), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date())));
    const room = env.ROOMS.get(env.ROOMS.idFromName(roomId));
    work.push(...live.map((s) => room.disconnectSession(s.id)));
  }
  const inbox = (userId: string) => env.INBOXES.get(env.INBOXES.idFromName(userId));
  work.push(
    inbox(blockerId).contactPresence({ userId: blockedId, online: false, lastSeenAt: null }),
    inbox(blockedId).contactPresence({ userId: blockerId, online: false, lastSeenAt: null }),
  );
  const results = await Promise.allSettled(work);
  for (const r of results) if (r.status === 'rejected') console.error('applying a block failed', r.reason);
}
