/** Closes every socket of sessions that have just ended, in the user's rooms and inbox. */
import type { Database } from '../../drizzle/connection';
import { roomIdsOf } from '../../drizzle/queries/rooms';
import { logFailure } from '../../durable-objects/shared/log-failure';
import type { Env } from '../../durable-objects/shared/env';

/** The inbox's memory of ended sessions is what ticket requests ask (ticket-caller.ts): a failed call is tried again. */
const INBOX_ATTEMPTS = 3;

export async function disconnectSession(env: Env, db: Database, session: { id: string; userId: string }): Promise<void> {
  await disconnectSessions(env, db, session.userId, [session.id]);
}

/** Several sessions of one user (a password change, a deleted account): the user's rooms are read once. */
export async function disconnectSessions(env: Env, db: Database, userId: string, sessionIds: string[]): Promise<void> {
  if (sessionIds.length === 0) return;
  const inbox = env.INBOXES.get(env.INBOXES.idFromName(userId));
  const tellInbox = async (sessionId: string) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await inbox.disconnectSession(sessionId);
      } catch (err) {
        if (attempt >= INBOX_ATTEMPTS) {
          logFailure('telling the inbox of an ended session failed', err, { user: userId, attempts: attempt });
          throw err;
        }
      }
    }
  };
  // The inbox is told while the room list is read: ticket requests ask it, not the rooms.
  const told = Promise.allSettled(sessionIds.map(tellInbox));
  const roomIds = await roomIdsOf(db, userId);
  const rooms = roomIds.map((roomId) => env.ROOMS.get(env.ROOMS.idFromName(roomId)));
  await Promise.allSettled([told, ...sessionIds.flatMap((id) => rooms.map((room) => room.disconnectSession(id)))]);
}
