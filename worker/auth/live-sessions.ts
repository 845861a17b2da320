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

interface SeenLive {
  /** When the database (or the user's inbox, see sawLiveInInbox) last said the session was live (epoch ms). */
  checkedAt: number;
  /** The session's own expiry (epoch ms). */
  expiresAt: number;
  /** The answer came from the database: only such answers stand in for it (the cache); both count for the outage grace. */
  fromDatabase: boolean;
}

const seenLive = new Map<string, SeenLive>();

function cacheKey(sessionId: string, userId: string) {
  return `${sessionId}:${userId}`;
}

/**
 * Resolves to the session's expiry (epoch ms) when it is live, or when the database
 * does not answer and this isolate saw it live within the grace; throws 401 for an
 * ended session and the database's error otherwise. `fresh` skips the few-second
 * cache (WebSocket upgrades: a socket lives on, so it must not open on a stale answer).
 */
export async function requireLiveSession(
  db: Database,
  sessionId: string,
  userId: string,
  { fresh = false, now = Date.now() }: { fresh?: boolean; now?: number } = {},
): Promise<number> {
  const key = cacheKey(sessionId, userId);
  const seen = seenLive.get(key);
  if (!fresh && seen?.fromDatabase && now - seen.checkedAt < LIVE_SESSION_CACHE_MS && now < seen.expiresAt) return seen.expiresAt;
  const graced = seen !== undefined && now - seen.checkedAt < LIVE_SESSION_OUTAGE_GRACE_MS && now < seen.expiresAt;
  let session: Awaited<ReturnType<typeof findActiveSession>>;
  try {
    const lookup = findActiveSession(db, sessionId, userId);
    // A session seen live a moment ago need not wait a whole database deadline to pass.
    session = graced ? await withDeadline(lookup, GRACE_CHECK_WAIT_MS, 'checking the session') : await lookup;
  } catch (err) {
    if (!isDatabaseUnavailable(err)) throw err;
    // The rest of this request must not wait for the database again.
    markDatabaseUnavailable(db, err);
    if (graced) return seen.expiresAt;
    throw err;
  }
  if (!session) {
    seenLive.delete(key);
    throw unauthorized('session ended; sign in again');
  }
  if (seenLive.size >= MAX_CACHED) seenLive.clear();
  seenLive.set(key, { checkedAt: now, expiresAt: session.expiresAt.getTime(), fromDatabase: true });
  return session.expiresAt.getTime();
}

/**
 * A ticket request found the session live in the user's inbox (worker/realtime/ticket-caller.ts),
 * which is told of every ended session: during an outage this counts as having seen it live,
 * so the user's REST calls get the grace as they did when tickets asked the database.
 * It never stands in for the database outside an outage.
 */
export function sawLiveInInbox(sessionId: string, userId: string, expiresAt: number, now = Date.now()): void {
  const key = cacheKey(sessionId, userId);
  const seen = seenLive.get(key);
  if (seen?.fromDatabase && now - seen.checkedAt < LIVE_SESSION_CACHE_MS) return;
  if (seenLive.size >= MAX_CACHED) seenLive.clear();
  seenLive.set(key, { checkedAt: now, expiresAt, fromDatabase: false });
}

/** Called where a session is revoked: this isolate refuses its tokens from the next request. */
export function forgetLiveSession(sessionId: string): void {
  for (const key of seenLive.keys()) if (key.startsWith(`${sessionId}:`)) seenLive.delete(key);
}
