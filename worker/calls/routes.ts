/** /api/calls/ice-servers, /api/calls (my calls across chats) and /api/rooms/:roomId/calls (a room's call log). */
import { Hono } from 'hono';
import { z } from 'zod';
import { listMyCalls } from '../../drizzle/queries/call-history';
import { listCalls } from '../../drizzle/queries/calls';
import type { AppEnv } from '../app-env';
import { requireUser } from '../auth/require-user';
import { readConfig } from '../../durable-objects/shared/env';
import { parseWith, readQuery, uuidParam } from '../http/validate';
import { requireMembership } from '../rooms/queries';
import { iceServersFor } from './ice-servers';

export const callRoutes = new Hono<AppEnv>();
callRoutes.use('/calls', requireUser);
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

/** `nextCursor` of the previous page: "<epoch ms>.<call id>", opaque to clients. */
const historyCursor = z
  .string()
  .regex(/^\d{1,15}\.[0-9a-f-]{36}$/i, { error: 'before must be the nextCursor of a previous page' })
  .transform((s) => {
    const [ms, id] = s.split('.') as [string, string];
    return { createdAt: new Date(Number(ms)), id };
  })
  .refine((c) => !Number.isNaN(c.createdAt.getTime()) && z.uuid().safeParse(c.id).success, {
    error: 'before must be the nextCursor of a previous page',
  });

const historyQuery = z.object({
  before: historyCursor.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});

callRoutes.get('/calls', async (c) => {
  const { before, limit } = readQuery(c, historyQuery);
  const { calls, nextCursor } = await listMyCalls(c.var.db(), c.var.user.userId, before, limit);
  return c.json({ calls, nextCursor: nextCursor && `${nextCursor.createdAt.getTime()}.${nextCursor.id}` });
});
