/**
 * Web Push subscriptions of the signed-in device (docs/web-push.md, docs/api.md):
 * GET /api/push/config — the VAPID public key the browser subscribes with;
 * PUT /api/push/subscription — store this session's subscription (and its preview setting);
 * GET /api/push/subscription — whether this session has one;
 * DELETE /api/push/subscription — remove it (notifications turned off, or the browser dropped it).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { deleteSessionSubscription, saveSubscription, sessionSubscription } from '../../drizzle/queries/push-subscriptions';
import { pushEndpointProblem } from '../../durable-objects/push/endpoint-policy';
import { readPushConfig } from '../../durable-objects/push/push-config';
import type { AppEnv } from '../app-env';
import { requireUser } from '../auth/require-user';
import { badRequest, HttpError } from '../http/errors';
import { readJson } from '../http/validate';

export const pushRoutes = new Hono<AppEnv>();
pushRoutes.use('/push/*', requireUser);

const notConfigured = () => new HttpError(404, 'push_not_configured', 'Web Push is not configured on this server (VAPID keys)');

/** base64url of exactly `bytes` bytes (no padding), as PushSubscription.toJSON() gives it. */
const base64UrlOf = (bytes: number, what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, `${what} must be base64url`)
    .refine((s) => Math.floor((s.length * 3) / 4) === bytes, `${what} must be ${bytes} bytes`);

const subscriptionBody = z.strictObject({
  endpoint: z.string().max(1024),
  // PushSubscription.toJSON() has it; the server does not use it.
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({ p256dh: base64UrlOf(65, 'keys.p256dh'), auth: base64UrlOf(16, 'keys.auth') }),
  privatePreviews: z.boolean().default(false),
});

pushRoutes.get('/push/config', (c) => {
  const { vapid } = readPushConfig(c.env);
  if (!vapid) throw notConfigured();
  return c.json({ publicKey: vapid.publicKey });
});

pushRoutes.put('/push/subscription', async (c) => {
  const config = readPushConfig(c.env);
  if (!config.vapid) throw notConfigured();
  const body = await readJson(c, subscriptionBody);
  const problem = pushEndpointProblem(body.endpoint, config.testEndpointOrigins);
  if (problem) throw badRequest(`push endpoint refused: ${problem}`);
  const { userId, sessionId } = c.var.user;
  await saveSubscription(c.var.db(), {
    userId,
    sessionId,
    endpoint: body.endpoint,
    p256dh: body.keys.p256dh,
    auth: body.keys.auth,
    privatePreviews: body.privatePreviews,
  });
  // The inbox may have noted that this user has no device; it must look again.
  await c.env.INBOXES.get(c.env.INBOXES.idFromName(userId)).pushDevicesChanged();
  return c.json({ subscribed: true, privatePreviews: body.privatePreviews });
});

pushRoutes.get('/push/subscription', async (c) => {
  const row = await sessionSubscription(c.var.db(), c.var.user.sessionId);
  return c.json(row ? { subscribed: true, privatePreviews: row.privatePreviews } : { subscribed: false, privatePreviews: false });
});

pushRoutes.delete('/push/subscription', async (c) => {
  await deleteSessionSubscription(c.var.db(), c.var.user.sessionId);
  return c.body(null, 204);
});
