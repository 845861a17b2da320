/**
 * /api/account/privacy: my privacy settings (durable-objects/shared/privacy.ts). A change is
 * stored, then every room I am in and my inbox are told before the answer, so open
 * sockets follow it at once: rooms filter presence and read receipts from memory
 * (durable-objects/room/audience.ts), my inbox tells my contacts' inboxes.
 */
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import type { Database } from '../../drizzle/connection';
import { readPrivacy, writePrivacy } from '../../drizzle/queries/privacy';
import { roomIdsOf } from '../../drizzle/queries/rooms';
import { users } from '../../drizzle/schema';
import { logRejections } from '../../durable-objects/shared/log-failure';
import { privacySettingsSchema, type PrivacySettings } from '../../durable-objects/shared/privacy';
import type { AppEnv } from '../app-env';
import type { Env } from '../../durable-objects/shared/env';
import { readJson } from '../http/validate';

export const privacyRoutes = new Hono<AppEnv>();
// requireUser covers /account/* (routes.ts), which is mounted before this.

privacyRoutes.get('/account/privacy', async (c) => c.json({ privacy: await readPrivacy(c.var.db(), c.var.user.userId) }));

privacyRoutes.put('/account/privacy', async (c) => {
  const settings = await readJson(c, privacySettingsSchema);
  const { userId } = c.var.user;
  const db = c.var.db();
  const before = await readPrivacy(db, userId);
  await writePrivacy(db, userId, settings);
  await applyPrivacy(c.env, db, userId, before, settings);
  return c.json({ privacy: settings });
});

async function applyPrivacy(env: Env, db: Database, userId: string, before: PrivacySettings, after: PrivacySettings): Promise<void> {
  const work: Promise<unknown>[] = [];
  if (before.lastSeen !== after.lastSeen || before.readReceipts !== after.readReceipts) {
    const settings = { lastSeen: after.lastSeen, readReceipts: after.readReceipts };
    for (const roomId of await roomIdsOf(db, userId)) {
      work.push(env.ROOMS.get(env.ROOMS.idFromName(roomId)).privacyChanged(roomId, userId, settings));
    }
  }
  if (before.lastSeen !== after.lastSeen) {
    const [me] = await db.select({ lastSeenAt: users.lastSeenAt }).from(users).where(eq(users.id, userId));
    const inbox = env.INBOXES.get(env.INBOXES.idFromName(userId));
    work.push(inbox.privacyChanged(userId, me?.lastSeenAt?.toISOString() ?? null));
  }
  logRejections('applying privacy settings failed', await Promise.allSettled(work), { user: userId });
}
