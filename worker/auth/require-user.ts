/** Bearer-token authentication for REST routes. */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env';
import { readConfig } from '../../durable-objects/shared/env';
import { unauthorized } from '../http/errors';
import { requireLiveSession } from './live-sessions';
import { jwtKeys } from '../../durable-objects/shared/tokens';
import { verifyAccessToken } from './tokens';

export function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}

export const requireUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = bearerToken(c.req.header('authorization'));
  if (!token) throw unauthorized('missing bearer token');
  const user = await verifyAccessToken(jwtKeys(readConfig(c.env)), token);
  // A valid signature is not enough: the session may have been ended (logout, token reuse).
  const sessionExpiresAt = await requireLiveSession(c.var.db(), user.sessionId, user.userId);
  c.set('user', { ...user, sessionExpiresAt });
  await next();
};
