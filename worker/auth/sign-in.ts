/** Starting a session once every step of a sign-in has passed (password, second step, passkey). */
import type { Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app-env';
import { readConfig } from '../../durable-objects/shared/env';
import { deviceLabel } from './device-label';
import { createSession, setRefreshCookie, type SessionContext, type SessionInfo } from './sessions';
import { jwtKeys, signAccessToken } from '../../durable-objects/shared/tokens';
import type { PublicUser } from './users';

/** The body every successful sign-in or refresh returns. */
export async function accessGrant(c: Context<AppEnv>, user: PublicUser, session: SessionInfo) {
  const config = readConfig(c.env);
  const ttl = config.ACCESS_TOKEN_TTL_SECONDS;
  const token = await signAccessToken(jwtKeys(config), { ...user, sessionId: session.id, sessionExpiresAt: session.expiresAt.getTime() }, ttl);
  return { user, token, expiresIn: ttl };
}

export const signInQuery = z.object({ context: z.enum(['app', 'embed']).default('app') });

/**
 * Starts a session: a refresh cookie plus the first access token. `?context=embed`
 * (from the embedded chat page) asks for the partitioned cookie a frame on
 * another site can keep.
 */
export async function signIn(c: Context<AppEnv>, user: PublicUser, context: SessionContext) {
  const device = deviceLabel(c.req.header('user-agent'));
  const { session, refreshToken } = await createSession(c.var.db(), user.id, readConfig(c.env).REFRESH_TOKEN_TTL_SECONDS, device);
  setRefreshCookie(c, refreshToken, session.expiresAt, context);
  return accessGrant(c, user, session);
}
