/** /api/auth/* and /api/me. */
import { Hono } from 'hono';
import { users } from '../../drizzle/schema';
import type { AppEnv } from '../app-env';
import { readConfig } from '../../durable-objects/shared/env';
import { uniqueViolation } from '../http/database';
import { conflict, notFound, unauthorized } from '../http/errors';
import { clientAddress, enforceRateLimit } from '../http/rate-limit';
import { LoginAttempt } from './login-limits';
import { readJson, readQuery } from '../http/validate';
import { disconnectSession } from '../realtime/disconnect';
import { decoyHash, hashPassword, verifyPassword } from './password';
import { requireUser } from './require-user';
import { loginSchema, registerSchema } from './schemas';
import {
  clearRefreshCookie,
  findSessionByAnyToken,
  readRefreshCookie,
  readRefreshCookieWithContext,
  revokeSession,
  rotateRefreshToken,
  setRefreshCookie,
} from './sessions';
import { accessGrant, signIn, signInQuery } from './sign-in';
import { deviceLabel } from './device-label';
import { SECOND_STEP_TTL_SECONDS, signSecondStep } from '../two-step/second-step-token';
import { forgetLiveSession } from './live-sessions';
import { findUserById, findUserByLogin, publicUser } from './users';
import { issueEmailToken } from '../email-links/email-tokens';
import { mailLinkAfterResponse } from '../email-links/send-links';

export const authRoutes = new Hono<AppEnv>();


authRoutes.post('/auth/register', async (c) => {
  const config = readConfig(c.env);
  await enforceRateLimit(c, `register:${clientAddress(c)}`, config.REGISTER_RATE_LIMIT, 'registrations');
  const { context } = readQuery(c, signInQuery);
  const body = await readJson(c, registerSchema);
  const passwordHash = await hashPassword(body.password, config.BCRYPT_COST);
  try {
    const [user] = await c
      .var.db()
      .insert(users)
      .values({
        username: body.username,
        email: body.email,
        displayName: body.displayName ?? body.username,
        passwordHash,
      })
      .returning();
    // The account works at once; the app reminds its owner until the address is confirmed.
    const token = await issueEmailToken(c.var.db(), user!.id, user!.email, 'verify');
    mailLinkAfterResponse(c, 'verify', user!, token);
    return c.json(await signIn(c, publicUser(user!), context), 201);
  } catch (err) {
    const constraint = uniqueViolation(err);
    if (constraint === 'users_username_key') throw conflict('username is taken');
    if (constraint === 'users_email_key') throw conflict('email is already registered');
    throw err;
  }
});

authRoutes.post('/auth/login', async (c) => {
  const { context } = readQuery(c, signInQuery);
  const body = await readJson(c, loginSchema);
  const config = readConfig(c.env);
  // Failures count per address (all names) and per account, or per device for its owner (login-limits.ts).
  const attempt = new LoginAttempt(c, config);
  await attempt.fromAddress();
  const user = await findUserByLogin(c.var.db(), body.login);
  await attempt.forAccount(user?.id, body.login);
  const ok = await verifyPassword(body.password, user?.passwordHash ?? (await decoyHash(config.BCRYPT_COST)));
  if (!user || !ok) throw unauthorized('wrong username or password');
  if (user.totpEnabledAt) {
    // Two-step sign-in: no session yet. The second step (two-step/routes.ts) counts its own failures.
    await attempt.passwordAccepted();
    const token = await signSecondStep(config.JWT_SECRET, user.id, context);
    return c.json({ secondStep: { token, expiresIn: SECOND_STEP_TTL_SECONDS, methods: ['totp', 'recovery_code'] } });
  }
  await attempt.succeeded(user.id);
  return c.json(await signIn(c, publicUser(user), context));
});

/**
 * A new access token from the refresh cookie: how a reloaded page stays signed in.
 * The refresh token rotates each time; an old one presented again ends the session.
 */
authRoutes.post('/auth/refresh', async (c) => {
  const cookie = readRefreshCookieWithContext(c);
  if (!cookie) throw unauthorized('not signed in');
  const db = c.var.db();
  const outcome = await rotateRefreshToken(db, cookie.token, deviceLabel(c.req.header('user-agent')));
  if (outcome.kind === 'reused') {
    forgetLiveSession(outcome.session.id);
    await disconnectSession(c.env, db, outcome.session);
  }
  const user = (outcome.kind === 'rotated' || outcome.kind === 'concurrent') && (await findUserById(db, outcome.session.userId));
  if (!user || (outcome.kind !== 'rotated' && outcome.kind !== 'concurrent')) {
    clearRefreshCookie(c);
    throw unauthorized(
      outcome.kind === 'reused' ? 'this sign-in was used elsewhere and has been ended; sign in again' : 'session ended; sign in again',
    );
  }
  if (outcome.kind === 'rotated') setRefreshCookie(c, outcome.refreshToken, outcome.session.expiresAt, cookie.context);
  return c.json(await accessGrant(c, publicUser(user), outcome.session));
});

/** Ends the session: the cookie is cleared, refreshes fail, and its sockets are closed. */
authRoutes.post('/auth/logout', async (c) => {
  const refreshToken = readRefreshCookie(c);
  clearRefreshCookie(c);
  const db = c.var.db();
  const session = refreshToken ? await findSessionByAnyToken(db, refreshToken) : undefined;
  if (session) {
    await revokeSession(db, session.id);
    forgetLiveSession(session.id);
    await disconnectSession(c.env, db, session);
  }
  return c.body(null, 204);
});

authRoutes.get('/me', requireUser, async (c) => {
  const user = await findUserById(c.var.db(), c.var.user.userId);
  if (!user) throw notFound('user no longer exists');
  // `account` is for the owner alone: what the app reminds them of.
  return c.json({ user: publicUser(user), account: { email: user.email, emailVerified: user.emailVerifiedAt !== null, twoStep: user.totpEnabledAt !== null } });
});
