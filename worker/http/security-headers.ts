/**
 * Headers every response of the Worker carries:
 * - `X-Content-Type-Options: nosniff`: browsers never guess a type (a JSON error
 *   echoing user input cannot be read as HTML or script).
 * - `Strict-Transport-Security` when served over HTTPS (production): browsers
 *   refuse plain HTTP to the host from then on. Over http://localhost it would
 *   be ignored anyway, so local runs go without.
 * - `Cache-Control: no-store` on every /api response: they carry tokens (sign-in,
 *   refresh, ws tickets, invite links) or private data, and no cache may keep them.
 *   A route that sets its own Cache-Control chose it on purpose (attachment bytes,
 *   immutable under their id: `private`; profile pictures: `public`) and keeps it.
 * Static files skip the Worker; web/public/_headers gives them nosniff too.
 */
import type { MiddlewareHandler } from 'hono';

export const HSTS = 'max-age=31536000; includeSubDomains';

export function securityHeadersFor(url: URL): Record<string, string> {
  const headers: Record<string, string> = { 'x-content-type-options': 'nosniff' };
  if (url.protocol === 'https:') headers['strict-transport-security'] = HSTS;
  if (url.pathname.startsWith('/api/')) headers['cache-control'] = 'no-store';
  return headers;
}

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  // A WebSocket upgrade's 101 carries no content; its headers belong to the runtime.
  if (c.res.status === 101) return;
  const extra = securityHeadersFor(new URL(c.req.url));
  if (c.res.headers.has('cache-control')) delete extra['cache-control'];
  try {
    for (const [name, value] of Object.entries(extra)) c.res.headers.set(name, value);
  } catch {
    // Immutable headers (a response passed through from a fetch): copy it.
    const headers = new Headers(c.res.headers);
    for (const [name, value] of Object.entries(extra)) headers.set(name, value);
    const { body, status, statusText } = c.res;
    c.res = undefined;
    c.res = new Response(body, { status, statusText, headers });
  }
};
