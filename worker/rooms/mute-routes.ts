/** PUT /api/rooms/:roomId/mute: silence a room's notifications for me, on every device. */
import { Hono } from 'hono';
import { z } from 'zod';
import { MUTE_DURATIONS, setMute } from '../../drizzle/queries/mute';
import type { AppEnv } from '../app-env';
import { requireUser } from '../auth/require-user';
import { parseWith, readJson, uuidParam } from '../http/validate';
import { tellMyDevices } from './my-devices';
import { notAMember } from './queries';

export const muteRoutes = new Hono<AppEnv>();
muteRoutes.use('/rooms/:roomId/mute', requireUser);

const durations = Object.keys(MUTE_DURATIONS) as [keyof typeof MUTE_DURATIONS, ...(keyof typeof MUTE_DURATIONS)[]];
const muteBody = z.strictObject({ duration: z.enum([...durations, 'off']) });

muteRoutes.put('/rooms/:roomId/mute', async (c) => {
  const roomId = parseWith(uuidParam, c.req.param('roomId'));
  const { duration } = await readJson(c, muteBody);
  const userId = c.var.user.userId;
  const mutedUntil = await setMute(c.var.db(), roomId, userId, duration);
  if (mutedUntil === undefined) throw notAMember();
  // My other tabs and devices re-read the room list, and with it the mute.
  await tellMyDevices(c, roomId);
  return c.json({ roomId, mutedUntil });
});
