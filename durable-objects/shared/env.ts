/**
 * Bindings and variables of the script (the Worker and its Durable Objects share one env), and
 * their validation. Below both, so an object reads its config without importing Worker code.
 * Secrets come only from the environment (`.dev.vars` locally, `wrangler secret put` in production).
 */
import { z } from 'zod';
import type { DatabaseEnv } from '../../drizzle/connection';
import { pushVarsSchema, type PushEnv } from '../push/push-config';
import { parseRateSpec } from '../rate-limit/token-bucket';
import { GROUP_CALL_MESH_LIMIT } from '../protocol';
import type { RealtimeEnv } from './realtime-config';

const commaList = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  );

function rateSpec(name: string, fallback: string) {
  return z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      try {
        return parseRateSpec(name, text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    });
}

export interface Env extends DatabaseEnv, PushEnv, RealtimeEnv {
  ROOMS: DurableObjectNamespace<import('../room/chat-room').ChatRoom>;
  INBOXES: DurableObjectNamespace<import('../inbox/user-inbox').UserInbox>;
  RATE_LIMITERS: DurableObjectNamespace<import('../rate-limit/rate-limiter').RateLimiter>;
  /** Who is online, sharded (durable-objects/presence/online-lookup.ts). */
  ONLINE_DIRECTORY: DurableObjectNamespace<import('../presence/online-directory').OnlineDirectory>;
  ASSETS: Fetcher;
  /** R2 bucket of uploads: attachments (rooms/<roomId>/<id>) and avatars (avatars/<id>). */
  FILES: R2Bucket;
  JWT_SECRET: string;
  JWT_SECRET_PREVIOUS?: string;
  ALLOWED_ORIGINS?: string;
  BCRYPT_COST?: string;
  ACCESS_TOKEN_TTL_SECONDS?: string;
  REFRESH_TOKEN_TTL_SECONDS?: string;
  LOGIN_RATE_LIMIT?: string;
  LOGIN_ACCOUNT_RATE_LIMIT?: string;
  LOGIN_DEVICE_RATE_LIMIT?: string;
  UPLOAD_RATE_LIMIT?: string;
  SEARCH_RATE_LIMIT?: string;
  SEARCH_TIMEOUT_MS?: string;
  SEARCH_MAX_CONNECTIONS?: string;
  UPLOAD_USER_QUOTA_BYTES?: string;
  UPLOAD_ROOM_QUOTA_BYTES?: string;
  GROUP_ADD_RATE_LIMIT?: string;
  USER_SEARCH_RATE_LIMIT?: string;
  REGISTER_RATE_LIMIT?: string;
  ROOM_RATE_LIMIT?: string;
  /** Room tickets one inbox mints over its socket (the `ticket` frame); default burst=30,perMinute=300. */
  INBOX_TICKET_RATE_LIMIT?: string;
  /** What a room sends one socket without a `received` before closing it (4409); default 4 MiB. */
  SOCKET_BACKLOG_LIMIT_BYTES?: string;
  /** Postgres connections one Worker isolate may hold at once; default 20. */
  DB_MAX_CONNECTIONS?: string;
  LINK_PREVIEW_RATE_LIMIT?: string;
  LINK_PREVIEW_TIMEOUT_MS?: string;
  /** Tests and development only: host:port origins link previews may fetch although local (docs/security.md). */
  LINK_PREVIEW_ALLOW_HOSTS?: string;
  STUN_URLS?: string;
  TURN_URLS?: string;
  TURN_SECRET?: string;
  TURN_CREDENTIAL_TTL_SECONDS?: string;
  /** Cloudflare's `send_email` binding (wrangler dev simulates it, writing .eml files); see worker/mail/. */
  EMAIL?: SendEmail;
  MAIL_FROM?: string;
  APP_ORIGIN?: string;
  WEBAUTHN_RP_ID?: string;
  WEBAUTHN_RP_NAME?: string;
  MAIL_RATE_LIMIT?: string;
}

const configSchema = z.object({
  JWT_SECRET: z
    .string({ error: 'JWT_SECRET is not set: copy .dev.vars.example to .dev.vars (npm start does this for you)' })
    .min(32, 'JWT_SECRET must be at least 32 characters: generate one with `openssl rand -base64 48`'),
  // During a key rotation: the old JWT_SECRET, still accepted for verification (docs/deploy.md).
  JWT_SECRET_PREVIOUS: z
    .string()
    .min(32, 'JWT_SECRET_PREVIOUS must be the previous JWT_SECRET (at least 32 characters), or unset')
    .optional(),
  ALLOWED_ORIGINS: commaList,
  // 10 is OWASP's floor for bcrypt; see docs/architecture.md for the CPU-time trade-off.
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(10),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(365 * 86_400).default(30 * 86_400),
  // Failed sign-ins per client address, whatever login names it tries: credential stuffing stops.
  LOGIN_RATE_LIMIT: rateSpec('LOGIN_RATE_LIMIT', 'burst=30,perMinute=10'),
  // Failed sign-ins per account from devices it never signed in on, all addresses together.
  LOGIN_ACCOUNT_RATE_LIMIT: rateSpec('LOGIN_ACCOUNT_RATE_LIMIT', 'burst=20,perMinute=5'),
  // Failed sign-ins from a device the account signed in on before (its device cookie), instead of the account's.
  LOGIN_DEVICE_RATE_LIMIT: rateSpec('LOGIN_DEVICE_RATE_LIMIT', 'burst=10,perMinute=5'),
  // Per person being added to groups by others (added, or invited at creation): nobody is flooded with groups.
  GROUP_ADD_RATE_LIMIT: rateSpec('GROUP_ADD_RATE_LIMIT', 'burst=10,perMinute=2'),
  // Per user searching the directory: prefix searches cannot walk the whole user list quickly.
  USER_SEARCH_RATE_LIMIT: rateSpec('USER_SEARCH_RATE_LIMIT', 'burst=60,perMinute=30'),
  // Per client address.
  REGISTER_RATE_LIMIT: rateSpec('REGISTER_RATE_LIMIT', 'burst=10,perMinute=2'),
  // Message searches per user; each is also held to SEARCH_TIMEOUT_MS on the server and to
  // SEARCH_MAX_CONNECTIONS of the isolate's database connections (worker/search/search-guard.ts).
  SEARCH_RATE_LIMIT: rateSpec('SEARCH_RATE_LIMIT', 'burst=20,perMinute=20'),
  // From 10 ms: tests/e2e/search-timeout.test.ts runs a real query past it.
  SEARCH_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(3000),
  SEARCH_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(4),
  // Attachment uploads per user (thumbnails not counted): nobody fills storage with many small files.
  UPLOAD_RATE_LIMIT: rateSpec('UPLOAD_RATE_LIMIT', 'burst=20,perMinute=10'),
  // Bytes one user may upload in any 24 hours (a rolling allowance), and bytes into one room.
  UPLOAD_USER_QUOTA_BYTES: z.coerce.number().int().min(1).default(1024 * 1024 * 1024),
  UPLOAD_ROOM_QUOTA_BYTES: z.coerce.number().int().min(1).default(2 * 1024 * 1024 * 1024),
  // Link previews fetched per user (cached ones are free): the Worker is nobody's crawler.
  LINK_PREVIEW_RATE_LIMIT: rateSpec('LINK_PREVIEW_RATE_LIMIT', 'burst=30,perMinute=20'),
  // Deadline of one preview's page fetch (redirects and body included), and again of its picture.
  LINK_PREVIEW_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(5000),
  // Tests and development only: exact host:port origins that previews may fetch although they are
  // loopback or private (a local test server). Unset in production; redirects elsewhere stay refused.
  LINK_PREVIEW_ALLOW_HOSTS: commaList,
  // Without STUN or TURN, calls still connect on a local network (host candidates).
  STUN_URLS: commaList,
  TURN_URLS: commaList,
  TURN_SECRET: z.string().min(16, 'TURN_SECRET must be at least 16 characters').optional(),
  TURN_CREDENTIAL_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  // Cloudflare Realtime, the SFU of group calls beyond the mesh (docs/deploy.md "The SFU"): both
  // or neither; the API base is the real service's unless it points at the local stand-in.
  REALTIME_APP_ID: z.string().trim().min(1).optional(),
  REALTIME_APP_TOKEN: z.string().trim().min(1).optional(),
  REALTIME_API_URL: z.url({ error: 'REALTIME_API_URL must be the Realtime API base, e.g. https://rtc.live.cloudflare.com/v1' }).optional(),
  REALTIME_TIMEOUT_MS: z.coerce.number().int().min(500).max(30_000).default(10_000),
  GROUP_CALL_SFU_FROM: z.coerce.number().int().min(1).max(GROUP_CALL_MESH_LIMIT + 1).optional(),
  // The sender of verification and reset mail; in production an address of a domain set up for sending.
  MAIL_FROM: z.email({ error: 'MAIL_FROM must be a plain email address, e.g. no-reply@example.com' }).default('no-reply@edge-chat.localhost'),
  // The app's public origin: links in mail point here, and passkeys are bound to it (WebAuthn's
  // expected origin). Unset: the origin the request came to (right for local development only).
  APP_ORIGIN: z
    .url({ error: 'APP_ORIGIN must be an origin such as https://chat.example.com' })
    .transform((u) => new URL(u).origin)
    .optional(),
  // WebAuthn relying-party id: APP_ORIGIN's host name or a registrable suffix of it. Default: that host name.
  WEBAUTHN_RP_ID: z
    .string()
    .regex(/^[a-z0-9.-]+$/, 'WEBAUTHN_RP_ID must be a host name such as chat.example.com (no scheme, no port)')
    .optional(),
  WEBAUTHN_RP_NAME: z.string().min(1).max(64).default('edge-chat'),
  // Mails asked for (verification resends, password resets) per client address and per account.
  MAIL_RATE_LIMIT: rateSpec('MAIL_RATE_LIMIT', 'burst=5,perMinute=1'),
  // Web Push (docs/web-push.md): off without a VAPID pair.
  ...pushVarsSchema.shape,
}).superRefine((c, ctx) => {
  if (!c.REALTIME_APP_ID !== !c.REALTIME_APP_TOKEN) {
    ctx.addIssue({ code: 'custom', message: 'REALTIME_APP_ID and REALTIME_APP_TOKEN go together: set both (group calls beyond the mesh use the SFU) or neither' });
  }
});
export type Config = z.infer<typeof configSchema>;

const cache = new WeakMap<object, Config>();

/** Parses the variables once per isolate; a misconfiguration fails loudly with the fix named. */
export function readConfig(env: Env): Config {
  let config = cache.get(env);
  if (!config) {
    const parsed = configSchema.safeParse(env);
    if (!parsed.success) throw new ConfigError(z.prettifyError(parsed.error));
    config = parsed.data;
    cache.set(env, config);
  }
  return config;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}
