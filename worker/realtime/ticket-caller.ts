/**
 * Who asks for a WebSocket ticket, checked without Postgres: opening a room must
 * not cost a database round trip (issue 18), and a ticket request is half of it.
 *
 * - The access token's signature and expiry, as everywhere (durable-objects/shared/tokens.ts, worker/auth/tokens.ts).
 * - The session's expiry, which the token carries (`sexp`, set at sign-in and refresh).
 * - Whether the session has ended, from the user's inbox: every way a session ends
 *   tells the inbox (worker/realtime/disconnect.ts), which remembers it for longer
 *   than any access token of it lives (durable-objects/shared/used-tickets.ts). So a
 *   revoked session gets no ticket, and one revoked after its ticket was minted is
 *   refused at the upgrade by the room or inbox the ticket names.
 *
 * An access token from before `sexp` existed is checked in Postgres as REST does.
 * The inbox is asked at the same time as `alongside` (the room's membership), so the
 * check adds no hop to the request's critical path.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { requireLiveSession, sawLiveInInbox } from '../auth/live-sessions';
import { bearerToken } from '../auth/require-user';
import { jwtKeys, type AccessClaims } from '../../durable-objects/shared/tokens';
import { verifyAccessToken } from '../auth/tokens';
import { readConfig } from '../../durable-objects/shared/env';
import { unauthorized } from '../http/errors';

const SESSION_ENDED = 'session ended; sign in again';

async function sessionExpiry(c: Context<AppEnv>, claims: AccessClaims): Promise<number> {
  const expiresAt = claims.sessionExpiresAt;
  if (expiresAt === undefined) return requireLiveSession(c.var.db(), claims.sessionId, claims.userId);
  if (Date.now() >= expiresAt) throw unauthorized(SESSION_ENDED);
  const inbox = c.env.INBOXES.get(c.env.INBOXES.idFromName(claims.userId));
  if (!(await inbox.sessionLive(claims.sessionId))) throw unauthorized(SESSION_ENDED);
  sawLiveInInbox(claims.sessionId, claims.userId, expiresAt);
  return expiresAt;
}

/**
 * Authenticates the caller (sets `c.var.user`, as requireUser does) while `alongside`
 * runs; an ended session is refused before anything `alongside` found is revealed.
 */
export async function authenticateTicketCaller<T>(c: Context<AppEnv>, alongside: (userId: string) => Promise<T>): Promise<T> {
  const token = bearerToken(c.req.header('authorization'));
  if (!token) throw unauthorized('missing bearer token');
  const claims = await verifyAccessToken(jwtKeys(readConfig(c.env)), token);
  const [session, result] = await Promise.allSettled([sessionExpiry(c, claims), alongside(claims.userId)]);
  if (session.status === 'rejected') throw session.reason;
  if (result.status === 'rejected') throw result.reason;
  c.set('user', { ...claims, sessionExpiresAt: session.value });
  return result.value;
}
