/**
 * What a block changes at once (later requests are refused by the room object,
 * contactsOf and the call controller): the pair's direct room learns it is
 * blocked (it closes its sockets and refuses tickets, upgrades and sends from
 * its own storage, so no reconnect needs the database to be refused), and each
 * inbox is told the other is offline with no last-seen time, so neither keeps
 * showing the other's presence. Unblocking lifts the room's flag once neither
 * person blocks the other any more.
 */
import type { Database } from '../../drizzle/connection';
import { isBlockedEitherWay } from '../../drizzle/queries/blocks';
import { findDirectRoom } from '../../drizzle/queries/rooms';
import { sharedRoomIds } from '../../drizzle/queries/block-pairs';
import type { Env } from '../../durable-objects/shared/env';
import { roomObject } from '../rooms/queries';
import { logRejections } from '../../durable-objects/shared/log-failure';

export async function applyBlock(env: Env, db: Database, blockerId: string, blockedId: string): Promise<void> {
  const work: Promise<unknown>[] = [];
  const [roomId, shared] = await Promise.all([findDirectRoom(db, blockerId, blockedId), sharedRoomIds(db, blockerId, blockedId)]);
  if (roomId) work.push(roomObject(env, roomId).setBlocked(roomId, true));
  // Every room the two share filters what each sees of the other (durable-objects/room/block-list.ts).
  for (const id of shared) work.push(roomObject(env, id).setBlockedPair(id, blockerId, blockedId, true));
  const inbox = (userId: string) => env.INBOXES.get(env.INBOXES.idFromName(userId));
  work.push(
    inbox(blockerId).contactPresence({ userId: blockedId, online: false, lastSeenAt: null }),
    inbox(blockedId).contactPresence({ userId: blockerId, online: false, lastSeenAt: null }),
  );
  const results = await Promise.allSettled(work);
  logRejections('applying a block failed', results);
}

export async function liftBlock(env: Env, db: Database, a: string, b: string): Promise<void> {
  if (await isBlockedEitherWay(db, a, b)) return;
  const [roomId, shared] = await Promise.all([findDirectRoom(db, a, b), sharedRoomIds(db, a, b)]);
  const work = shared.map((id) => roomObject(env, id).setBlockedPair(id, a, b, false));
  if (roomId) work.push(roomObject(env, roomId).setBlocked(roomId, false));
  await Promise.all(work);
}
