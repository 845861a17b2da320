/**
 * PATCH /api/rooms/:roomId/list-state: how the room sits in my conversation list — pinned,
 * archived, marked unread (drizzle/queries/list-state.ts). Mine only, on every device.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { setListState } from '../../drizzle/queries/list-state';
import type { AppEnv } from '../app-env';
import { requireUser } from '../auth/require-user';
import { parseWith, readJson, uuidParam } from '../http/validate';
import { tellMyDevices } from './my-devices';
import { notAMember } from './queries';

export const listStateRoutes = new Hono<AppEnv>();
listStateRoutes.use('/rooms/:roomId/list-state', requireUser);

const listStateBody = z
  .strictObject({ pinned: z.boolean().optional(), archived: z.boolean().optional(), markedUnread: z.boolean().optional() })
  .refine((b) => b.pinned !== undefined || b.archived !== undefined || b.markedUnread !== undefined, 'give pinned, archived or markedUnread');

listStateRoutes.patch('/rooms/:roomId/list-state', async (c) => {
  const roomId = parseWith(uuidParam, c.req.param('roomId'));
  const change = await readJson(c, listStateBody);
  const state = await setListState(c.var.db(), roomId, c.var.user.userId, change);
  if (!state) throw notAMember();
  await tellMyDevices(c, roomId);
  return c.json({ roomId, ...state });
});
