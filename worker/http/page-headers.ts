/**
 * Embedding a room: the web app's pages carry a strict CSP (web/app/entry.server.tsx),
 * with `frame-ancestors 'self'` on /embed pages and `'none'` elsewhere. Only the
 * Worker knows which sites a room's admins allow, so for `/embed/<roomId>` it
 * widens that one directive to the room's list. CSP frame-ancestors is the
 * standard way to allow several origins; X-Frame-Options cannot name them.
 */
import type { MiddlewareHandler } from 'hono';
import { embedOriginsOf } from '../../drizzle/queries/invites';
import type { AppEnv } from '../app-env';
import { withFrameAncestors } from './csp';
import { isWebOrigin } from './origin-syntax';
import { uuidParam } from './validate';

const EMBED_PATH = /^\/embed\/([^/]+)\/?$/;

export const embedFrameAncestors: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const match = new URL(c.req.url).pathname.match(EMBED_PATH);
  const policy = c.res.headers.get('content-security-policy');
  if (!match || !policy) return;
  const roomId = uuidParam.safeParse(match[1]);
  // Origins were validated when admins saved them (scheme://host[:port] only); checked again here,
  // so a row written before that rule (or by hand) can never add a directive to the header.
  const origins = roomId.success ? (await embedOriginsOf(c.var.db(), roomId.data)).filter(isWebOrigin) : [];
  const headers = new Headers(c.res.headers);
  headers.set('content-security-policy', withFrameAncestors(policy, roomId.success ? ["'self'", ...origins] : ["'none'"]));
  const { body, status, statusText } = c.res;
  // Hono's `c.res` setter copies the previous response's headers over the new one's (which
  // would put the original frame-ancestors back); clearing it first replaces the response.
  c.res = undefined;
  c.res = new Response(body, { status, statusText, headers });
};
