/** Stars: PUT and DELETE /api/rooms/:roomId/messages/:seq/star, and my list, GET /api/starred. */
import { Hono } from 'hono';
import { listStars, setStar } from '../../drizzle/queries/message-actions';
import type { AppEnv } from '../app-env';
import { requireUser } from '../auth/require-user';
import { messageParams, requireReadableMessage } from './readable';
import { requireMembership } from '../rooms/queries';
import { tellOwnDevices } from './own-devices';

export const starRoutes = new Hono<AppEnv>();
starRoutes.use('/starred', requireUser);
starRoutes.use('/rooms/:roomId/messages/:seq/star', requireUser);

starRoutes.get('/starred', async (c) => c.json({ starred: await listStars(c.var.db(), c.var.user.userId) }));

starRoutes.put('/rooms/:roomId/messages/:seq/star', async (c) => {
  const { roomId, seq } = messageParams(c);
  await requireReadableMessage(c, roomId, seq);
  await setStar(c.var.db(), c.var.user.userId, roomId, seq, true);
  // My other tabs and devices with the room open mark it at once.
  await tellOwnDevices(c, roomId, { type: 'starred', seqs: [seq], on: true });
  return c.json({ roomId, seq, starred: true });
});

starRoutes.delete('/rooms/:roomId/messages/:seq/star', async (c) => {
  const { roomId, seq } = messageParams(c);
  // Unstarring needs no message: one deleted since can still leave the list.
  await requireMembership(c.var.db(), roomId, c.var.user.userId);
  await setStar(c.var.db(), c.var.user.userId, roomId, seq, false);
  await tellOwnDevices(c, roomId, { type: 'starred', seqs: [seq], on: false });
  return c.json({ roomId, seq, starred: false });
});
