/**
 * WebSocket upgrades: /ws/rooms/:roomId. Everything is checked here, before a
 * room is woken: the Origin, the credential, and membership. The room gets the
 * verified identity, never anything the client claimed.
 *
 * Credentials, in order of preference:
 * - `?ticket=` — a 60-second, single-use, room-bound JWT from
 *   POST /api/rooms/:roomId/ws-ticket. Browsers cannot set headers on a
 *   WebSocket, so a credential must travel in the URL, where it may be logged by
 *   proxies or kept in history; a ticket that is already used and expired is
 *   worthless there, an access token would not be.
 * - `?token=` — the access JWT itself (the seed's form; kept for simple clients).
 * - `Authorization: Bearer` — for non-browser clients.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { buildConnectRequest } from '../../durable-objects/room/connect-request';
import type { AppEnv } from '../app-env';
import { bearerToken } from '../auth/require-user';
import { verifyAccessToken, verifyWsTicket } from '../auth/tokens';
import { readConfig } from '../env';
import { forbidden, HttpError, unauthorized } from '../http/errors';
import { isAllowedOrigin } from '../http/origins';
import { parseWith, readQuery, uuidParam } from '../http/validate';
import { requireMembership } from '../rooms/queries';

export const realtimeRoutes = new Hono<AppEnv>();

const upgradeQuery = z.object({
  ticket: z.string().max(2048).optional(),
  token: z.string().max(4096).optional(),
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

realtimeRoutes.get('/ws/rooms/:roomId', async (c) => {
  if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
    throw new HttpError(426, 'upgrade_required', 'this endpoint speaks WebSocket only');
  }
  if (!isAllowedOrigin(c.env, c.req.header('origin'), c.req.url)) {
    throw forbidden('origin not allowed');
  }
  const roomId = parseWith(uuidParam, c.req.param('roomId'));
  const query = readQuery(c, upgradeQuery);
  const secret = readConfig(c.env).JWT_SECRET;

  let identity: { userId: string; username: string; ticketId?: string; ticketExpiresAt?: number };
  if (query.ticket) {
    const ticket = await verifyWsTicket(secret, query.ticket);
    if (ticket.roomId !== roomId) throw unauthorized('ticket is for another room');
    identity = { ...ticket, ticketExpiresAt: ticket.expiresAt * 1000 };
  } else {
    const token = query.token ?? bearerToken(c.req.header('authorization'));
    if (!token) throw unauthorized('missing credential: pass ?ticket= from POST /api/rooms/:roomId/ws-ticket');
    identity = await verifyAccessToken(secret, token);
  }
  await requireMembership(c.var.db(), roomId, identity.userId);

  const room = c.env.ROOMS.get(c.env.ROOMS.idFromName(roomId));
  return room.fetch(
    buildConnectRequest(
      {
        roomId,
        userId: identity.userId,
        username: identity.username,
        ticketId: identity.ticketId,
        ticketExpiresAt: identity.ticketExpiresAt,
        after: query.after,
      },
      c.req.raw.headers,
    ),
  );
});
