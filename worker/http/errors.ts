/**
 * Errors that reach clients as `{ error: { code, message } }` JSON. Anything
 * else is logged and answered with a generic 500: no stack traces leave the Worker.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { routePath } from 'hono/route';
import { isDatabaseUnavailable } from '../../drizzle/connection';
import { logFailure } from '../../durable-objects/shared/log-failure';

export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: unknown) =>
  new HttpError(400, 'bad_request', message, details);
export const unauthorized = (message = 'authentication required') => new HttpError(401, 'unauthorized', message);
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);
export const notFound = (message: string) => new HttpError(404, 'not_found', message);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);
/** A password confirming a change is wrong. Not 401: the token is fine, and a 401 makes clients refresh and retry. */
export const wrongPassword = (message: string) => new HttpError(403, 'wrong_password', message);
export const tooManyRequests = (message: string, retryAfterMs: number) =>
  new HttpError(429, 'rate_limited', message, { retryAfterMs });

export function errorResponse(c: Context, err: HttpError) {
  const body: Record<string, unknown> = { code: err.code, message: err.message };
  if (err.details !== undefined) body.details = err.details;
  // Only an error that says when to come back gets the header: a 503 without details (a search
  // past its timeout) once crashed here reading it, and answered 500 instead.
  const retryAfterMs = (err.details as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  if ((err.status === 429 || err.status === 503) && typeof retryAfterMs === 'number') {
    c.header('retry-after', String(Math.ceil(retryAfterMs / 1000)));
  }
  return c.json({ error: body }, err.status);
}

export const databaseUnavailable = () =>
  new HttpError(503, 'unavailable', 'the database is not answering right now; try again in a few seconds', { retryAfterMs: 2000 });

export function handleError(err: Error, c: Context) {
  if (err instanceof HttpError) return errorResponse(c, err);
  if (isDatabaseUnavailable(err)) {
    logFailure('database unavailable', err, requestFields(c), { key: `database unavailable ${c.req.method}` });
    return errorResponse(c, databaseUnavailable());
  }
  logFailure('unhandled error', err, requestFields(c), { key: `unhandled error ${c.req.method} ${routePath(c)}` });
  return c.json({ error: { code: 'internal', message: 'internal error' } }, 500);
}

/** The route's pattern, not the path: a path can carry an invite token or a username. */
function requestFields(c: Context) {
  return { method: c.req.method, route: routePath(c) };
}
