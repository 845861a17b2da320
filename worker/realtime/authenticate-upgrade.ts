/**
 * The checks every WebSocket upgrade passes before any Durable Object wakes:
 * the request is an upgrade, its Origin is allowed, its credential is valid and
 * its session is still active. The identity that comes out is the only one the
 * objects ever see; nothing a client puts in a frame can change it.
 *
 * Credentials, in order of preference:
 * - `?ticket=` — a 60-second, single-use JWT bound to one room (or to the
 *   inbox). Browsers cannot set headers on a WebSocket, so the credential must
 *   travel in the URL, where proxies may log it and history may keep it; a
 *   ticket that is used and expired within a minute is worthless there, an
 *   access token would not be. It is minted after a live-session check, so its
 *   upgrade touches no database: opening a socket costs no Postgres round trip.
 * - `?token=` — the access JWT itself (the seed's form; for simple clients).
 * - `Authorization: Bearer` — for non-browser clients.
 * The last two check the session in Postgres on every upgrade.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app-env';
import { bearerToken } from '../auth/require-user';
import { requireLiveSession } from '../auth/live-sessions';
import { jwtKeys } from '../../durable-objects/shared/tokens';
import { verifyAccessToken, verifyWsTicket } from '../auth/tokens';
import { readConfig } from '../../durable-objects/shared/env';
import { forbidden, HttpError, unauthorized } from '../http/errors';
import { isAllowedOrigin } from '../http/origins';
import { readQuery } from '../http/validate';

const upgradeQuery = z.object({
  ticket: z.string().max(2048).optional(),
  token: z.string().max(4096).optional(),
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

export interface UpgradeIdentity {
  userId: string;
  username: string;
  sessionId: string;
  /** Epoch ms. */
  sessionExpiresAt: number;
  ticketId?: string;
  /** Epoch ms. */
  ticketExpiresAt?: number;
  /** Catch-up point requested by the client (`after=<seq>`). */
  after?: number;
}

/** `audience` is the room id the ticket must name, or `inbox`. */
export async function authenticateUpgrade(c: Context<AppEnv>, audience: string): Promise<UpgradeIdentity> {
  if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
    throw new HttpError(426, 'upgrade_required', 'this endpoint speaks WebSocket only');
  }
  if (!isAllowedOrigin(c.env, c.req.header('origin'), c.req.url)) throw forbidden('origin not allowed');
  const query = readQuery(c, upgradeQuery);
  const keys = jwtKeys(readConfig(c.env));

  let claims: { userId: string; username: string; sessionId: string; ticketId?: string; ticketExpiresAt?: number };
  let sessionExpiresAt: number | undefined;
  if (query.ticket) {
    const ticket = await verifyWsTicket(keys, query.ticket);
    if (ticket.roomId !== audience) throw unauthorized('ticket is for another room');
    claims = { ...ticket, ticketExpiresAt: ticket.expiresAt * 1000 };
    // No database: the ticket was minted after a live-session check a minute ago at most,
    // and a session that ended since is refused by the object itself, which is told of
    // every ended session and remembers it (durable-objects/shared/used-tickets.ts).
    sessionExpiresAt = ticket.sessionExpiresAt;
  } else {
    const token = query.token ?? bearerToken(c.req.header('authorization'));
    if (!token) throw unauthorized('missing credential: pass ?ticket= from the ws-ticket endpoint');
    claims = await verifyAccessToken(keys, token);
  }
  // An access token (or a ticket from before tickets carried the session's expiry) is
  // asked of the database every time (a socket outlives any cache), except during an
  // outage: then a session this isolate saw live within the last minute still connects,
  // as REST lets it through, so clients can reconnect to rooms, which work without it.
  sessionExpiresAt ??= await requireLiveSession(c.var.db(), claims.sessionId, claims.userId, { fresh: true });
  return {
    userId: claims.userId,
    username: claims.username,
    sessionId: claims.sessionId,
    sessionExpiresAt,
    ticketId: claims.ticketId,
    ticketExpiresAt: claims.ticketExpiresAt,
    after: query.after,
  };
}
