/** /api/calls/ice-servers and /api/rooms/:roomId/calls (the call log). */
import { Hono } from 'hono';
import { z } from 'zod';
import { listCalls } from '../../drizzle/queries/calls';
import type { AppEnv } from '../app-env';
import { requireUser } from '../auth/require-user';
import { readConfig } from '../env';
import { parseWith, readQuery, uuidParam } from '../http/validate';
import { requireMembership } from '../rooms/queries';
import { iceServersFor } from './ice-servers';

export const callRoutes = new Hono<AppEnv>();
callRoutes.use('/calls/*', requireUser);
callRoutes.use('/rooms/:roomId/calls', requireUser);

callRoutes.get('/calls/ice-servers', async (c) => {
  const config = readConfig(c.env);
  const iceServers = await iceServersFor(
    {
      stunUrls: config.STUN_URLS,
      turnUrls: config.TURN_URLS,
      turnSecret: config.TURN_SECRET,
      turnTtlSeconds: config.TURN_CREDENTIAL_TTL_SECONDS,
    },
    c.var.user.userId,
  );
  return c.json({ iceServers, ttlSeconds: config.TURN_CREDENTIAL_TTL_SECONDS });
});

const callsQuery = z.object({
  before: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

callRoutes.get('/rooms/:roomId/calls', async (c) => {
  const roomId = parseWith(uuidParam, c.req.param('roomId'));
  const { before, limit } = readQuery(c, callsQuery);
  const db = c.var.db();
  await requireMembership(db, roomId, c.var.user.userId);
  return c.json({ calls: await listCalls(db, roomId, before ? new Date(before) : undefined, limit) });
});
