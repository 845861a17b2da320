/**
 * Two-step sign-in (docs/api.md, "Two-step sign-in"): enrolling an authenticator app from
 * the account page, and the second step of a sign-in (a TOTP code or a recovery code after
 * the password). The second step counts failures against the sign-in limits like a password.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app-env';
import { confirmPassword } from '../account/confirm-password';
import { LoginAttempt } from '../auth/login-limits';
import { requireUser } from '../auth/require-user';
import { signIn } from '../auth/sign-in';
import { findUserById, publicUser } from '../auth/users';
import { readConfig } from '../../durable-objects/shared/env';
import { conflict, HttpError, notFound, unauthorized } from '../http/errors';
import { readJson } from '../http/validate';
import { recoveryCodesLeft, replaceRecoveryCodes, useRecoveryCode } from './recovery-codes';
import { readSecondStep } from './second-step-token';
import { newTotpSecret, totpUri } from './totp';
import { acceptTotpCode, openTotpSecret, sealFor, storePendingSecret, turnTotpOff, turnTotpOn } from './totp-state';

export const twoStepRoutes = new Hono<AppEnv>();
twoStepRoutes.use('/account/two-step', requireUser);
twoStepRoutes.use('/account/two-step/*', requireUser);

const passwordBody = z.strictObject({ password: z.string({ error: 'password is required' }).min(1).max(1024) });
const codeField = z.string({ error: 'code is required' }).trim().max(64);

async function me(c: Parameters<typeof requireUser>[0]) {
  const user = await findUserById(c.var.db(), c.var.user.userId);
  if (!user) throw notFound('user no longer exists');
  return user;
}

twoStepRoutes.get('/account/two-step', async (c) => {
  const user = await me(c);
  return c.json({ enabled: user.totpEnabledAt !== null, recoveryCodesLeft: user.totpEnabledAt ? await recoveryCodesLeft(c.var.db(), user.id) : 0 });
});

/** Step 1 of enrolment: a new secret (not yet in force) and its otpauth:// URI for the QR code. */
twoStepRoutes.post('/account/two-step/setup', async (c) => {
  const { password } = await readJson(c, passwordBody);
  const user = await me(c);
  await confirmPassword(c, password, user.passwordHash);
  if (user.totpEnabledAt) throw conflict('two-step sign-in is already on; turn it off first to enrol another app');
  const secret = newTotpSecret();
  await storePendingSecret(c.var.db(), user.id, await sealFor(readConfig(c.env), user.id, secret));
  return c.json({ secret, uri: totpUri(secret, user.username) });
});

/** Step 2: a code from the app proves it enrolled; two-step sign-in is on, and here are the recovery codes (shown once). */
twoStepRoutes.post('/account/two-step/enable', async (c) => {
  const { code } = await readJson(c, z.strictObject({ code: codeField }));
  const user = await me(c);
  if (user.totpEnabledAt) throw conflict('two-step sign-in is already on');
  if (!user.totpSecret) throw conflict('start with POST /api/account/two-step/setup');
  const db = c.var.db();
  const secret = await openTotpSecret(db, readConfig(c.env), user.id, user.totpSecret);
  if (!(await acceptTotpCode(db, user.id, secret, code))) throw new HttpError(400, 'wrong_code', 'that code is not the current one; check the app and the phone’s clock');
  await turnTotpOn(db, user.id);
  return c.json({ enabled: true, recoveryCodes: await replaceRecoveryCodes(db, user.id) });
});

twoStepRoutes.delete('/account/two-step', async (c) => {
  const { password } = await readJson(c, passwordBody);
  const user = await me(c);
  await confirmPassword(c, password, user.passwordHash);
  await turnTotpOff(c.var.db(), user.id);
  return c.body(null, 204);
});

/** Ten new recovery codes; the old ones stop working. */
twoStepRoutes.post('/account/two-step/recovery-codes', async (c) => {
  const { password } = await readJson(c, passwordBody);
  const user = await me(c);
  await confirmPassword(c, password, user.passwordHash);
  if (!user.totpEnabledAt) throw conflict('two-step sign-in is off');
  return c.json({ recoveryCodes: await replaceRecoveryCodes(c.var.db(), user.id) });
});

const secondStepBody = z.union([
  z.strictObject({ token: z.string().min(1).max(2048), code: codeField }),
  z.strictObject({ token: z.string().min(1).max(2048), recoveryCode: codeField }),
]);

/** The second step of a sign-in: the token from the password step plus a TOTP or recovery code. */
twoStepRoutes.post('/auth/login/second-step', async (c) => {
  const body = await readJson(c, secondStepBody);
  const config = readConfig(c.env);
  const step = await readSecondStep(config.JWT_SECRET, body.token);
  if (!step) throw unauthorized('this sign-in has expired; enter your password again');
  const attempt = new LoginAttempt(c, config);
  await attempt.fromAddress();
  await attempt.forAccount(step.userId, step.userId);
  const db = c.var.db();
  const user = await findUserById(db, step.userId);
  if (!user?.totpEnabledAt || !user.totpSecret) throw unauthorized('this sign-in has expired; enter your password again');
  const ok =
    'code' in body
      ? await acceptTotpCode(db, user.id, await openTotpSecret(db, config, user.id, user.totpSecret), body.code)
      : await useRecoveryCode(db, user.id, body.recoveryCode);
  if (!ok) throw unauthorized('wrong code');
  await attempt.succeeded(user.id);
  return c.json(await signIn(c, publicUser(user), step.context));
});
