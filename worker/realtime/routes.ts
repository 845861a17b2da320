/**
 * WebSocket upgrades: /ws/rooms/:roomId (one room's conversation) and /ws/inbox
 * (the user's notifications from every room). See authenticate-upgrade.ts for
 * what is checked before an object wakes.
 */
import { Hono } from 'hono';
import { buildConnectRequest } from '../../durable-objects/room/connect-request';
import type { AppEnv } from '../app-env';
import { parseWith, uuidParam } from '../http/validate';
import { requireMembership, requireNotBlocked } from '../rooms/queries';
import { authenticateUpgrade } from './authenticate-upgrade';
import { INBOX_AUDIENCE } from './inbox-audience';

export const realtimeRoutes = new Hono<AppEnv>();

realtimeRoutes.get('/ws/rooms/:roomId', async (c) => {
  const roomId = parseWith(uuidParam, c.req.param('roomId'));
  const identity = await authenticateUpgrade(c, roomId);
  const membership = await requireMembership(c.var.db(), roomId, identity.userId);
  await requireNotBlocked(c.var.db(), roomId, identity.userId, membership.kind);
  const room = c.env.ROOMS.get(c.env.ROOMS.idFromName(roomId));
  return room.fetch(buildConnectRequest({ ...identity, roomId }, c.req.raw.headers));
});

realtimeRoutes.get('/ws/inbox', async (c) => {
  const identity = await authenticateUpgrade(c, INBOX_AUDIENCE);
  const inbox = c.env.INBOXES.get(c.env.INBOXES.idFromName(identity.userId));
  // The inbox is the user's own: its id is the room id of this connection.
  return inbox.fetch(buildConnectRequest({ ...identity, roomId: identity.userId }, c.req.raw.headers));
});
