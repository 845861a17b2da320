/**
 * Cross-site request forgery defence for every state-changing REST request
 * (POST, PUT, PATCH, DELETE under /api). Two checks, each enough on its own
 * against a form on another site, together also against older browsers:
 * - the Origin header must be one the app allows (its own, or ALLOWED_ORIGINS).
 *   Browsers always send Origin on these methods; non-browser clients must set it.
 * - a body must be declared `application/json`. An HTML form can only send
 *   text/plain, urlencoded or multipart bodies, and a cross-site fetch with a
 *   JSON content type needs a CORS preflight, which the allow-list refuses.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env';
import { forbidden, HttpError } from './errors';
import { isAllowedOrigin } from './origins';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Routes whose body is a file, not JSON (uploads, worker/attachments/). They still need the
 * allowed Origin, and a Bearer token, which no form on another site can send.
 */
const FILE_BODY_ROUTES = [
  /^\/api\/rooms\/[^/]+\/attachments$/,
  /^\/api\/rooms\/[^/]+\/attachments\/[^/]+\/thumbnail$/,
  /^\/api\/me\/avatar$/,
  /^\/api\/groups\/[^/]+\/avatar$/,
];

/** `application/json`, optionally with parameters (`; charset=utf-8`). */
export function isJsonContentType(value: string | undefined): boolean {
  return /^application\/json\s*(;|$)/i.test(value?.trim() ?? '');
}

/** True when the request has (or may have) a body: a non-zero length, or a streamed one without a length. */
export function hasBody(request: Request): boolean {
  const length = request.headers.get('content-length');
  if (length !== null) return Number(length) !== 0;
  return request.body !== null;
}

export const sameOriginWrites: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (STATE_CHANGING.has(c.req.method)) {
    if (!isAllowedOrigin(c.env, c.req.header('origin'), c.req.url)) {
      throw forbidden('origin not allowed: state-changing requests must come from the app (send its Origin header)');
    }
    const fileBody = FILE_BODY_ROUTES.some((route) => route.test(c.req.path));
    if (!fileBody && hasBody(c.req.raw) && !isJsonContentType(c.req.header('content-type'))) {
      throw new HttpError(415, 'unsupported_media_type', 'request bodies must be sent as Content-Type: application/json');
    }
  }
  await next();
};
