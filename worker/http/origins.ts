/** The origin allow-list shared by CORS and the WebSocket upgrade check. */
import { cors } from 'hono/cors';
import type { MiddlewareHandler } from 'hono';
import { readConfig, type Env } from '../../durable-objects/shared/env';

export function isAllowedOrigin(env: Env, origin: string | undefined, requestUrl: string): boolean {
  if (!origin) return false;
  // The app's own origin is always allowed, whatever host it is deployed on.
  if (origin === new URL(requestUrl).origin) return true;
  return readConfig(env).ALLOWED_ORIGINS.includes(origin);
}

export const corsAllowList: MiddlewareHandler<{ Bindings: Env }> = (c, next) =>
  cors({
    origin: (origin) => (isAllowedOrigin(c.env, origin, c.req.url) ? origin : null),
    allowHeaders: ['Content-Type', 'Authorization'],
    allowMethods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS'],
    maxAge: 600,
  })(c, next);
