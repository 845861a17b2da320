/**
 * Is the session behind an access token still live? Checked on every REST
 * request, so logout (or refresh-token reuse) ends REST access at once instead
 * of when the 15-minute access token expires.
 *
 * Cheap: a live answer is remembered by the isolate for a few seconds, so a
 * burst of requests costs one primary-key lookup; a revocation made in this
 * isolate is forgotten at once, one made elsewhere is seen within
 * LIVE_SESSION_CACHE_MS. An ended session is never cached as live.
 */
import { isDatabaseUnavailable, type Database } from '../../drizzle/connection';
import { unauthorized } from '../http/errors';
import { findActiveSession } from './sessions';

export const LIVE_SESSION_CACHE_MS = 5_000;
/**
 * While the database does not answer, a session this isolate saw live within this
 * long still passes: the chat (recent history, tickets) keeps working through a
 * short outage. Nothing is revoked meanwhile: logout and reuse detection need the
 * database themselves.
 */
export const LIVE_SESSION_OUTAGE_GRACE_MS = 60_000;
const MAX_CACHED = 10_000;

const liveUntil = new Map<string, number>();
const lastSeenLive = new Map<string, number>();

function cacheKey(sessionId: string, userId: string) {
  return `${sessionId}:${userId}`;
}

export async function requireLiveSession(db: Database, sessionId: string, userId: string, now = Date.now()): Promise<void> {
  const key = cacheKey(sessionId, userId);
  const until = liveUntil.get(key);
  if (until !== undefined && until > now) return;
  let session: Awaited<ReturnType<typeof findActiveSession>>;
  try {
    session = await findActiveSession(db, sessionId, userId);
  } catch (err) {
    const seen = lastSeenLive.get(key);
    if (isDatabaseUnavailable(err) && seen !== undefined && now - seen < LIVE_SESSION_OUTAGE_GRACE_MS) return;
    throw err;
  }
  if (!session) {
    liveUntil.delete(key);
    lastSeenLive.delete(key);
    throw unauthorized('session ended; sign in again');
  }
  if (liveUntil.size >= MAX_CACHED) {
    liveUntil.clear();
    lastSeenLive.clear();
  }
  liveUntil.set(key, Math.min(now + LIVE_SESSION_CACHE_MS, session.expiresAt.getTime()));
  lastSeenLive.set(key, now);
}

/** Called where a session is revoked: this isolate refuses its tokens from the next request. */
export function forgetLiveSession(sessionId: string): void {
  for (const key of liveUntil.keys()) if (key.startsWith(`${sessionId}:`)) liveUntil.delete(key);
  for (const key of lastSeenLive.keys()) if (key.startsWith(`${sessionId}:`)) lastSeenLive.delete(key);
}
