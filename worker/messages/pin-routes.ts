/**
 * Pins: GET /api/rooms/:roomId/pins, PUT and DELETE /api/rooms/:roomId/pins/:seq. Anyone in
 * a direct chat may pin; in a group, admins (as for the group's name and members). The room
 * posts "X pinned a message" and sends the new list to every member.
 */
import { Hono } from 'hono';
import { listPins, pinMessage, unpinMessage } from '../../drizzle/queries/message-actions';
import { listMembers } from '../../drizzle/queries/rooms';
import { MAX_PINS_PER_ROOM } from '../../durable-objects/protocol';
import type { AppEnv } from '../app-env';
import { requireUser } from '../auth/require-user';
import { conflict, forbidden } from '../http/errors';
import { parseWith, uuidParam } from '../http/validate';
import { actorToken } from '../groups/announce';
import { blockedConversation, requireMembership, roomObject } from '../rooms/queries';
import { messageParams, requireReadableMessage } from './readable';
import type { Context } from 'hono';

export const pinRoutes = new Hono<AppEnv>();
pinRoutes.use('/rooms/:roomId/pins', requireUser);
pinRoutes.use('/rooms/:roomId/pins/*', requireUser);

pinRoutes.get('/rooms/:roomId/pins', async (c) => {
  const roomId = parseWith(uuidParam, c.req.param('roomId'));
  const db = c.var.db();
  await requireMembership(db, roomId, c.var.user.userId);
  return c.json({ pins: await listPins(db, roomId) });
});

/** 403 unless the caller may pin here. */
async function requirePinner(c: Context<AppEnv>, roomId: string): Promise<void> {
  const { kind, role } = await requireMembership(c.var.db(), roomId, c.var.user.userId);
  if (kind === 'group' && role !== 'admin') throw forbidden('only admins can pin and unpin messages in a group');
}

pinRoutes.put('/rooms/:roomId/pins/:seq', async (c) => {
  const { roomId, seq } = messageParams(c);
  await requirePinner(c, roomId);
  const message = await requireReadableMessage(c, roomId, seq);
  if (message.type === 'system' || message.type === 'call') throw forbidden('system lines and call records cannot be pinned');
  // Nothing is posted into a blocked conversation, a pin's line included.
  if ((await roomObject(c.env, roomId).access(roomId, c.var.user.userId)) === 'blocked') throw blockedConversation();
  const db = c.var.db();
  const result = await pinMessage(db, roomId, seq, c.var.user.userId);
  if (result === 'full') throw conflict(`a chat can have ${MAX_PINS_PER_ROOM} pinned messages: unpin one first`);
  const pins = await listPins(db, roomId);
  if (result === 'pinned') {
    const line = { notice: `${actorToken(c, await listMembers(db, roomId))} pinned a message`, seq, key: `pin:${seq}:${crypto.randomUUID()}` };
    await roomObject(c.env, roomId).pinsChanged(roomId, pins, line);
  }
  return c.json({ pins });
});

pinRoutes.delete('/rooms/:roomId/pins/:seq', async (c) => {
  const { roomId, seq } = messageParams(c);
  await requirePinner(c, roomId);
  const db = c.var.db();
  const removed = await unpinMessage(db, roomId, seq);
  const pins = await listPins(db, roomId);
  if (removed) await roomObject(c.env, roomId).pinsChanged(roomId, pins, null);
  return c.json({ pins });
});
