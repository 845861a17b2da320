/**
 * Web Push settings, read from the environment by the Worker (routes) and by the inbox
 * object (sending). Push is off when the VAPID pair is not set; a malformed pair fails
 * the Worker's configuration check (durable-objects/shared/env.ts) with the fix named.
 */
import { z } from 'zod';

/** RFC 8292 §3.2: the application server's P-256 public key, uncompressed point, base64url. */
const vapidPublicKey = z
  .string()
  .regex(/^[A-Za-z0-9_-]{87}$/, 'VAPID_PUBLIC_KEY must be a base64url P-256 public key (87 characters): see docs/deploy.md')
  .refine((key) => key.startsWith('B'), 'VAPID_PUBLIC_KEY must be an uncompressed P-256 point (it starts with "B")');
/** The private scalar `d`, base64url (32 bytes). */
const vapidPrivateKey = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'VAPID_PRIVATE_KEY must be a base64url P-256 private key (43 characters): see docs/deploy.md');

const commaList = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((o) => o.trim().replace(/\/+$/, ''))
      .filter(Boolean),
  );

/** The variables, as the Worker's configuration schema includes them. */
export const pushVarsSchema = z.object({
  VAPID_PUBLIC_KEY: vapidPublicKey.optional(),
  VAPID_PRIVATE_KEY: vapidPrivateKey.optional(),
  // RFC 8292 §2.1: how the push service's operator reaches ours.
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:\/\/)/, 'VAPID_SUBJECT must be a mailto: or https: address of the operator')
    .default('mailto:operator@localhost'),
  // Tests only: origins of local push endpoints allowed over http and on loopback. Empty by default.
  PUSH_TEST_ENDPOINT_ORIGINS: commaList,
  // Deadline of one delivery to a push service.
  PUSH_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(5000),
});

export interface PushEnv {
  VAPID_PUBLIC_KEY?: string;
  VAPID_PRIVATE_KEY?: string;
  VAPID_SUBJECT?: string;
  PUSH_TEST_ENDPOINT_ORIGINS?: string;
  PUSH_TIMEOUT_MS?: string;
}

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

export interface PushConfig {
  vapid: VapidKeys | null;
  testEndpointOrigins: readonly string[];
  timeoutMs: number;
}

const cache = new WeakMap<object, PushConfig>();

/** The push settings; `vapid` is null when push is not configured (or configured wrongly: the Worker reports that). */
export function readPushConfig(env: PushEnv): PushConfig {
  let config = cache.get(env);
  if (!config) {
    const parsed = pushVarsSchema.safeParse(env);
    const vars = parsed.success ? parsed.data : pushVarsSchema.parse({});
    const vapid =
      vars.VAPID_PUBLIC_KEY && vars.VAPID_PRIVATE_KEY
        ? { publicKey: vars.VAPID_PUBLIC_KEY, privateKey: vars.VAPID_PRIVATE_KEY, subject: vars.VAPID_SUBJECT }
        : null;
    config = { vapid: parsed.success ? vapid : null, testEndpointOrigins: vars.PUSH_TEST_ENDPOINT_ORIGINS, timeoutMs: vars.PUSH_TIMEOUT_MS };
    cache.set(env, config);
  }
  return config;
}
