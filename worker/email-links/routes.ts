/**
 * Email verification and password reset (docs/api.md, "Email links"). Answers about an
 * address never say whether an account has it: a reset request is 202 either way, after the
 * same single database statement, and the mail goes out after the response.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app-env';
import { hashPassword } from '../auth/password';
import { requireUser } from '../auth/require-user';
import { isGuessablePassword, passwordSchema } from '../auth/schemas';
import { forgetLiveSession } from '../auth/live-sessions';
import { findUserById } from '../auth/users';
import { hashToken } from '../auth/secret-tokens';
import { readConfig } from '../../durable-objects/shared/env';
import { badRequest, HttpError, notFound } from '../http/errors';
import { clientAddress, enforceRateLimit } from '../http/rate-limit';
import { readJson } from '../http/validate';
import { disconnectSessions } from '../realtime/disconnect';
import { logFailure } from '../../durable-objects/shared/log-failure';
import { issueEmailToken, issueResetTokenByEmail, takeEmailToken } from './email-tokens';
import { resetPassword, resetTokenOwner, verifyEmail } from './password-reset';
import { mailLinkAfterResponse } from './send-links';

export const emailLinkRoutes = new Hono<AppEnv>();

const invalidLink = () => new HttpError(400, 'invalid_link', 'this link is invalid, already used or expired; ask for a new one');
const tokenField = z.string({ error: 'token is required' }).min(20).max(128);

emailLinkRoutes.post('/auth/verify-email', async (c) => {
  const { token } = await readJson(c, z.strictObject({ token: tokenField }));
  const taken = await takeEmailToken(c.var.db(), token, 'verify');
  if (!taken || !(await verifyEmail(c.var.db(), taken.userId, taken.email))) throw invalidLink();
  return c.json({ verified: true });
});

/** Another verification mail to my own address. */
emailLinkRoutes.post('/account/email/verification', requireUser, async (c) => {
  const { userId } = c.var.user;
  await enforceRateLimit(c, `mail-account:${userId}`, readConfig(c.env).MAIL_RATE_LIMIT, 'mails for this account');
  const user = await findUserById(c.var.db(), userId);
  if (!user) throw notFound('user no longer exists');
  if (user.emailVerifiedAt) return c.json({ alreadyVerified: true });
  const token = await issueEmailToken(c.var.db(), user.id, user.email, 'verify');
  mailLinkAfterResponse(c, 'verify', user, token);
  return c.json({ sent: true }, 202);
});

const resetRequest = z.strictObject({
  email: z.email({ error: 'email is not a valid address' }).max(254).toLowerCase(),
});

/** Always 202: whether the address has an account is only ever told to its inbox. */
emailLinkRoutes.post('/auth/password-reset/request', async (c) => {
  const { email } = await readJson(c, resetRequest);
  const spec = readConfig(c.env).MAIL_RATE_LIMIT;
  await enforceRateLimit(c, `mail-address:${clientAddress(c)}`, spec, 'reset requests from this address');
  // Keyed by a hash: the limiter's name never holds the address. Unknown addresses are limited alike.
  await enforceRateLimit(c, `mail-email:${await hashToken(email)}`, spec, 'reset requests for this address');
  const issued = await issueResetTokenByEmail(c.var.db(), email);
  if (issued) mailLinkAfterResponse(c, 'reset', issued.user, issued.token);
  return c.json({ message: 'If an account uses this address, a reset link is on its way. It works once, for 30 minutes.' }, 202);
});

const resetBody = z.strictObject({ token: tokenField, password: passwordSchema });

/** A new password from a reset link: every session of the account ends; sign in again afterwards. */
emailLinkRoutes.post('/auth/password-reset', async (c) => {
  const { token, password } = await readJson(c, resetBody);
  const db = c.var.db();
  const owner = await resetTokenOwner(db, token);
  if (!owner) throw invalidLink();
  if (isGuessablePassword(password, owner.username)) throw badRequest('password is too easy to guess', { password: ['password is too easy to guess'] });
  const done = await resetPassword(db, token, await hashPassword(password, readConfig(c.env).BCRYPT_COST));
  if (!done) throw invalidLink();
  for (const id of done.endedSessionIds) forgetLiveSession(id);
  // The password is reset either way; closing the sockets is best effort (they also fail their next session check).
  await disconnectSessions(c.env, db, done.userId, done.endedSessionIds).catch((err: unknown) =>
    logFailure('closing sockets after a password reset failed', err, { user: done.userId, sessions: done.endedSessionIds.length }),
  );
  return c.json({ signedOutSessions: done.endedSessionIds.length });
});
