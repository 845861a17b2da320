/**
 * Security headers for the web app's pages. Every page may be framed only by the
 * app itself, except `/embed/<roomId>`, which the room's admins open to the
 * sites they list (CSP frame-ancestors is the standard way; X-Frame-Options
 * cannot name several origins).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { embedOriginsOf } from '../../drizzle/queries/invites';
import type { AppEnv } from '../app-env';
import { uuidParam } from './validate';

// Remix inlines its hydration data and route manifest, hence 'unsafe-inline' for scripts;
// everything is still limited to this origin (no CDN, no third-party script).
const BASE_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

async function frameAncestors(c: Context<AppEnv>): Promise<string> {
  const match = new URL(c.req.url).pathname.match(/^\/embed\/([^/]+)\/?$/);
  if (!match) return "frame-ancestors 'self'";
  const roomId = uuidParam.safeParse(match[1]);
  if (!roomId.success) return "frame-ancestors 'none'";
  const origins = await embedOriginsOf(c.var.db(), roomId.data);
  return ["frame-ancestors 'self'", ...origins].join(' ');
}

export const pageSecurityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (!c.res.headers.get('content-type')?.includes('text/html')) return;
  const headers = new Headers(c.res.headers);
  headers.set('content-security-policy', `${BASE_POLICY}; ${await frameAncestors(c)}`);
  headers.set('x-content-type-options', 'nosniff');
  headers.set('referrer-policy', 'same-origin');
  // Calls need the camera and microphone of this origin only.
  headers.set('permissions-policy', 'camera=(self), microphone=(self), display-capture=(self)');
  c.res = new Response(c.res.body, { status: c.res.status, statusText: c.res.statusText, headers });
};
