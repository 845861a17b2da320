/**
 * Signing out every other session of mine (the button on the account page, and a password
 * change): their refresh tokens stop working, this isolate forgets them as live, their push
 * subscriptions end, and their sockets close (4401) the way a single revocation closes them.
 */
import { and, eq, gt, isNull, ne } from 'drizzle-orm';
import type { Context } from 'hono';
import { deleteSessionsSubscriptions } from '../../drizzle/queries/push-subscriptions';
import { sessions } from '../../drizzle/schema';
import { logFailure } from '../../durable-objects/shared/log-failure';
import type { AppEnv } from '../app-env';
import { forgetLiveSession } from '../auth/live-sessions';
import { disconnectSessions } from '../realtime/disconnect';

export const activeSessionsOf = (userId: string) =>
  and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date()));

/** Ends every live session of the signed-in user but the one making the request; resolves to how many ended. */
export async function signOutOtherSessions(c: Context<AppEnv>): Promise<number> {
  const { userId, sessionId } = c.var.user;
  const db = c.var.db();
  const others = await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(activeSessionsOf(userId), ne(sessions.id, sessionId)))
    .returning({ id: sessions.id });
  const ids = others.map((s) => s.id);
  for (const id of ids) forgetLiveSession(id);
  await deleteSessionsSubscriptions(db, ids);
  // The sessions are over either way (their next session check fails); closing their sockets now is best effort.
  await disconnectSessions(c.env, db, userId, ids).catch((err: unknown) =>
    logFailure('closing the signed-out sessions’ sockets failed', err, { user: userId, sessions: ids.length }),
  );
  return ids.length;
}
