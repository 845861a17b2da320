/**
 * POST /api/rooms/:roomId/ws-ticket and /api/inbox/ws-ticket: the tickets the web app
 * opens its sockets with. They touch no Postgres (ticket-caller.ts), so they are
 * mounted ahead of the REST routers, whose requireUser asks Postgres on a cache miss:
 * a handler that answers ends the request before any later-registered middleware runs.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { parseWith, uuidParam } from '../http/validate';
import { blockedConversation, notAMember, roomObject } from '../rooms/queries';
import { INBOX_AUDIENCE } from './inbox-audience';
import { authenticateTicketCaller } from './ticket-caller';
import { ticketResponse } from './tickets';

export const ticketRoutes = new Hono<AppEnv>();

// Membership from the room's own cache: a reconnect storm never reaches Postgres.
ticketRoutes.post('/rooms/:roomId/ws-ticket', async (c) => {
  const roomId = parseWith(uuidParam, c.req.param('roomId'));
  const access = await authenticateTicketCaller(c, (userId) => roomObject(c.env, roomId).access(roomId, userId));
  if (access === 'not_member') throw notAMember();
  if (access === 'blocked') throw blockedConversation();
  return ticketResponse(c, roomId);
});

// The inbox's own upgrade checks the session again (the ticket may outlive it by a minute).
ticketRoutes.post('/inbox/ws-ticket', async (c) => {
  await authenticateTicketCaller(c, async () => undefined);
  return ticketResponse(c, INBOX_AUDIENCE);
});
