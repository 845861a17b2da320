/**
 * A person's name or picture changed (or their account was deleted): every room
 * they are in reloads its members (open sockets get `members`), and every member's
 * conversation list reloads that room.
 */
import type { Database } from '../../drizzle/connection';
import { roomsAndMembersOf } from '../../drizzle/queries/users';
import type { Env } from '../../durable-objects/shared/env';
import { logRejections } from '../../durable-objects/shared/log-failure';
import { FAN_OUT_AT_ONCE, settleBounded } from '../../durable-objects/shared/bounded';
import { onlineAmong } from '../../durable-objects/presence/online-lookup';

export async function announceProfileChange(env: Env, db: Database, userId: string): Promise<void> {
  const rooms = await roomsAndMembersOf(db, userId);
  const results: PromiseSettledResult<unknown>[] = await Promise.allSettled(rooms.map((room) => env.ROOMS.get(env.ROOMS.idFromName(room.id)).membersChanged(room.id, room.name, null)));
  // Only online members' lists need the live notice (an offline one reloads from Postgres when it connects).
  const online = await onlineAmong(env.ONLINE_DIRECTORY, rooms.flatMap((room) => room.memberIds));
  const notices = rooms.flatMap((room) => room.memberIds.filter((id) => online.has(id)).map((id) => ({ roomId: room.id, id })));
  const inbox = (id: string) => env.INBOXES.get(env.INBOXES.idFromName(id));
  results.push(...(await settleBounded(notices, FAN_OUT_AT_ONCE, ({ roomId, id }) => inbox(id).roomsChanged(roomId, 'updated'))));
  logRejections('profile announcement failed', results, { user: userId });
}
