/** Closes every socket of sessions that have just ended, in the user's rooms and inbox. */
import type { Database } from '../../drizzle/connection';
import { roomIdsOf } from '../../drizzle/queries/rooms';
import type { Env } from '../env';

export async function disconnectSession(env: Env, db: Database, session: { id: string; userId: string }): Promise<void> {
  await disconnectSessions(env, db, session.userId, [session.id]);
}

/** Several sessions of one user (a password change, a deleted account): the user's rooms are read once. */
export async function disconnectSessions(env: Env, db: Database, userId: string, sessionIds: string[]): Promise<void> {
  if (sessionIds.length === 0) return;
  const roomIds = await roomIdsOf(db, userId);
  const inbox = env.INBOXES.get(env.INBOXES.idFromName(userId));
  const rooms = roomIds.map((roomId) => env.ROOMS.get(env.ROOMS.idFromName(roomId)));
  await Promise.allSettled(
    sessionIds.flatMap((id) => [inbox.disconnectSession(id), ...rooms.map((room) => room.disconnectSession(id))]),
  );
}
