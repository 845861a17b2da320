/**
 * /api/account: my login sessions (list with device names, revoke one, revoke all others),
 * changing my password, which ends every other session, and deleting my account.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { deleteAccount } from '../../drizzle/queries/account-deletion';
import { contactsOf } from '../../drizzle/queries/rooms';
import { sessions, users } from '../../drizzle/schema';
import type { AppEnv } from '../app-env';
import { hashPassword } from '../auth/password';
import { confirmPassword } from './confirm-password';
import { requireUser } from '../auth/require-user';
import { isGuessablePassword, passwordSchema } from '../auth/schemas';
import { forgetLiveSession } from '../auth/live-sessions';
import { clearRefreshCookie, revokeSession } from '../auth/sessions';
import { findUserById } from '../auth/users';
import { readConfig } from '../../durable-objects/shared/env';
import { badRequest, notFound } from '../http/errors';
import { parseWith, readJson, uuidParam } from '../http/validate';
import { disconnectSession, disconnectSessions } from '../realtime/disconnect';
import { activeSessionsOf, signOutOtherSessions } from './other-sessions';
import { avatarKey } from '../../durable-objects/shared/r2-keys';
import { announceProfileChange } from '../profile/announce';
import { logRejections } from '../../durable-objects/shared/log-failure';

export const accountRoutes = new Hono<AppEnv>();
accountRoutes.use('/account', requireUser);
accountRoutes.use('/account/*', requireUser);

accountRoutes.get('/account/sessions', async (c) => {
  const { userId, sessionId } = c.var.user;
  const rows = await c.var
    .db()
    .select({ id: sessions.id, createdAt: sessions.createdAt, expiresAt: sessions.expiresAt, device: sessions.device, lastActiveAt: sessions.lastActiveAt })
    .from(sessions)
    .where(activeSessionsOf(userId))
    .orderBy(sql`${sessions.lastActiveAt} desc nulls last`, desc(sessions.createdAt));
  // This session first, then the most recently active.
  rows.sort((a, b) => Number(b.id === sessionId) - Number(a.id === sessionId));
  return c.json({
    sessions: rows.map((s) => ({
      id: s.id,
      device: s.device,
      createdAt: s.createdAt.toISOString(),
      lastActiveAt: s.lastActiveAt?.toISOString() ?? null,
      expiresAt: s.expiresAt.toISOString(),
      current: s.id === sessionId,
    })),
  });
});

/** Ends every session of mine but this one (see other-sessions.ts). */
accountRoutes.post('/account/sessions/revoke-others', async (c) => {
  return c.json({ signedOutSessions: await signOutOtherSessions(c) });
});

/** Ends one of my sessions: its refresh token stops working and its sockets close (4401). */
accountRoutes.delete('/account/sessions/:sessionId', async (c) => {
  const id = parseWith(uuidParam, c.req.param('sessionId'));
  const { userId } = c.var.user;
  const db = c.var.db();
  const [row] = await db.select({ id: sessions.id }).from(sessions).where(and(eq(sessions.id, id), activeSessionsOf(userId)));
  if (!row) throw notFound('no such session of yours');
  await revokeSession(db, id);
  forgetLiveSession(id);
  await disconnectSession(c.env, db, { id, userId });
  return c.body(null, 204);
});

const passwordChange = z.strictObject({
  currentPassword: z.string({ error: 'currentPassword is required' }).min(1).max(1024),
  newPassword: passwordSchema,
});

/** Changes my password and signs out every other session (this one stays). */
accountRoutes.post('/account/password', async (c) => {
  const { currentPassword, newPassword } = await readJson(c, passwordChange);
  const { userId } = c.var.user;
  const db = c.var.db();
  const user = await findUserById(db, userId);
  if (!user) throw notFound('user no longer exists');
  await confirmPassword(c, currentPassword, user.passwordHash, 'the current password is wrong');
  if (isGuessablePassword(newPassword, user.username)) throw badRequest('password is too easy to guess', { newPassword: ['password is too easy to guess'] });
  if (newPassword === currentPassword) throw badRequest('the new password is the same as the current one');
  await db.update(users).set({ passwordHash: await hashPassword(newPassword, readConfig(c.env).BCRYPT_COST) }).where(eq(users.id, userId));
  return c.json({ signedOutSessions: await signOutOtherSessions(c) });
});

const accountDeletion = z.strictObject({
  password: z.string({ error: 'password is required: confirm the deletion with your password' }).min(1).max(1024),
});

/**
 * Deletes my account (see drizzle/queries/account-deletion.ts for what stays):
 * every session ends and its sockets close, my rooms show "Deleted user" at once,
 * my contacts see me offline with no last-seen time, and my picture is deleted.
 */
accountRoutes.delete('/account', async (c) => {
  const { password } = await readJson(c, accountDeletion);
  const { userId } = c.var.user;
  const db = c.var.db();
  const user = await findUserById(db, userId);
  if (!user) throw notFound('user no longer exists');
  await confirmPassword(c, password, user.passwordHash, 'the password is wrong');
  // Read before the deletion: afterwards the account has no contacts.
  const contacts = await contactsOf(db, userId);
  const deleted = await deleteAccount(db, userId);
  if (!deleted) throw notFound('user no longer exists');
  clearRefreshCookie(c);
  for (const id of deleted.sessionIds) forgetLiveSession(id);
  const inbox = (id: string) => c.env.INBOXES.get(c.env.INBOXES.idFromName(id));
  const results = await Promise.allSettled([
    disconnectSessions(c.env, db, userId, deleted.sessionIds),
    ...contacts.map((contact) => inbox(contact.userId).contactPresence({ userId, online: false, lastSeenAt: null })),
    announceProfileChange(c.env, db, userId),
    deleted.avatarId ? c.env.FILES.delete(avatarKey(deleted.avatarId)) : Promise.resolve(),
  ]);
  // The account is gone either way; what failed here only lags (sockets still close within a session check).
  logRejections('cleanup after deleting an account failed', results, { user: userId });
  return c.body(null, 204);
});
