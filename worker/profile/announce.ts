/**
 * A person's name or picture changed (or their account was deleted): every room
 * they are in reloads its members (open sockets get `members`), and every member's
 * conversation list reloads that room.
 */
import type { Database } from '../../drizzle/connection';
import { roomsAndMembersOf } from '../../drizzle/queries/users';
import type { Env } from '../env';
import { logRejections } from '../../durable-objects/shared/log-failure';

export async function announceProfileChange(env: Env, db: Database, userId: string): Promise<void> {
  const rooms = await roomsAndMembersOf(db, userId);
  const inbox = (id: string) => env.INBOXES.get(env.INBOXES.idFromName(id));
  const results = await Promise.allSettled(
    rooms.flatMap((room) => [
      env.ROOMS.get(env.ROOMS.idFromName(room.id)).membersChanged(room.id, room.name, null),
      ...room.memberIds.map((id) => inbox(id).roomsChanged(room.id, 'updated')),
    ]),
  );
  logRejections('profile announcement failed', results, { user: userId });
}
