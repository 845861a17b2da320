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
import { isDatabaseUnavailable, withDeadline, type Database } from '../../drizzle/connection';
import { markDatabaseUnavailable } from '../http/database';
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
/**
 * Within the grace, how long the check waits for the database before the grace applies
 * (and the request stops waiting for the database at all): longer than a Neon compute's
 * usual cold start, shorter than the database deadline.
 */
const GRACE_CHECK_WAIT_MS = 2_000;
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
  const seen = lastSeenLive.get(key);
  const graced = seen !== undefined && now - seen < LIVE_SESSION_OUTAGE_GRACE_MS;
  let session: Awaited<ReturnType<typeof findActiveSession>>;
  try {
    const lookup = findActiveSession(db, sessionId, userId);
    // A session seen live a moment ago need not wait a whole database deadline to pass.
    session = graced ? await withDeadline(lookup, GRACE_CHECK_WAIT_MS, 'checking the session') : await lookup;
  } catch (err) {
    if (!isDatabaseUnavailable(err)) throw err;
    // The rest of this request must not wait for the database again.
    markDatabaseUnavailable(db, err);
    if (graced) return;
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
