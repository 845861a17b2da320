/**
 * "Delete for me": PUT /api/rooms/:roomId/messages/:seq/hidden hides a message from me
 * alone, on every device; GET /api/rooms/:roomId/hidden lists what I hid there.
 */
import { Hono } from 'hono';
import { hiddenSeqs, hideMessage } from '../../drizzle/queries/message-actions';
import type { AppEnv } from '../app-env';
import { requireUser } from '../auth/require-user';
import { parseWith, uuidParam } from '../http/validate';
import { notAMember } from '../rooms/queries';
import { findMembership } from '../../drizzle/queries/rooms';
import { findFormerMembership } from '../../drizzle/queries/former-members';
import { tellOwnDevices } from './own-devices';
import { messageParams, requireReadableMessage } from './readable';

export const hiddenRoutes = new Hono<AppEnv>();
hiddenRoutes.use('/rooms/:roomId/hidden', requireUser);
hiddenRoutes.use('/rooms/:roomId/messages/:seq/hidden', requireUser);

hiddenRoutes.get('/rooms/:roomId/hidden', async (c) => {
  const roomId = parseWith(uuidParam, c.req.param('roomId'));
  const db = c.var.db();
  // Mine alone: a group I left or was removed from keeps hiding what I deleted for me.
  if (!(await findMembership(db, roomId, c.var.user.userId)) && !(await findFormerMembership(db, roomId, c.var.user.userId))) throw notAMember();
  return c.json({ seqs: await hiddenSeqs(db, c.var.user.userId, roomId) });
});

hiddenRoutes.put('/rooms/:roomId/messages/:seq/hidden', async (c) => {
  const { roomId, seq } = messageParams(c);
  const userId = c.var.user.userId;
  await requireReadableMessage(c, roomId, seq);
  await hideMessage(c.var.db(), userId, roomId, seq);
  // My other tabs and devices with the room open hide it at once; the rest read the list when they open it.
  await tellOwnDevices(c, roomId, { type: 'hidden', seqs: [seq] });
  return c.json({ roomId, seq, hidden: true });
});
