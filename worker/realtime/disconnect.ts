/** Closes every socket of a session that has just ended, in the user's rooms and inbox. */
import type { Database } from '../../drizzle/connection';
import { roomIdsOf } from '../../drizzle/queries/rooms';
import type { Env } from '../env';

export async function disconnectSession(env: Env, db: Database, session: { id: string; userId: string }): Promise<void> {
  const roomIds = await roomIdsOf(db, session.userId);
  await Promise.allSettled([
    env.INBOXES.get(env.INBOXES.idFromName(session.userId)).disconnectSession(session.id),
    ...roomIds.map((roomId) => env.ROOMS.get(env.ROOMS.idFromName(roomId)).disconnectSession(session.id)),
  ]);
}
