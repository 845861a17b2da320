/**
 * /api/me (PATCH) and /api/me/avatar: my display name and profile picture; and
 * /api/avatars/:avatarId, the pictures themselves. A picture's id is random and new
 * for every upload, so its URL is unguessable and cacheable forever; it needs no
 * token, so <img> can load it anywhere the app shows people (the embed included).
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { updateProfile } from '../../drizzle/queries/users';
import { MAX_AVATAR_BYTES } from '../../durable-objects/protocol';
import type { AppEnv } from '../app-env';
import { displayNameSchema } from '../auth/display-name';
import { requireUser } from '../auth/require-user';
import { publicUser } from '../auth/users';
import { putUpload } from '../attachments/put';
import { IMAGE_TYPES } from '../attachments/sniff';
import { serveObject } from '../attachments/storage';
import { avatarKey } from '../../durable-objects/shared/r2-keys';
import { readUpload } from '../attachments/upload';
import { notFound } from '../http/errors';
import { parseWith, readJson, uuidParam } from '../http/validate';
import { announceProfileChange } from './announce';

export const profileRoutes = new Hono<AppEnv>();
profileRoutes.use('/me', requireUser);
profileRoutes.use('/me/*', requireUser);

// The same rules as at registration: normalised, no bidi overrides or invisible characters.
const profileBody = z.strictObject({ displayName: displayNameSchema });

profileRoutes.patch('/me', async (c) => {
  const { displayName } = await readJson(c, profileBody);
  return saveProfile(c, { displayName });
});

profileRoutes.put('/me/avatar', async (c) => {
  // Still images only: an animated GIF avatar is not worth its weight in every list.
  const upload = await readUpload(c, MAX_AVATAR_BYTES, (type) => IMAGE_TYPES.has(type) && type !== 'image/gif');
  const avatarId = crypto.randomUUID();
  await putUpload(c.env.FILES, avatarKey(avatarId), upload, { name: 'avatar', kind: 'avatar', uploaderId: c.var.user.userId });
  return saveProfile(c, { avatarId });
});

profileRoutes.delete('/me/avatar', (c) => saveProfile(c, { avatarId: null }));

profileRoutes.get('/avatars/:avatarId', async (c) => {
  const avatarId = parseWith(uuidParam, c.req.param('avatarId'));
  const object = await c.env.FILES.get(avatarKey(avatarId));
  if (!object) throw notFound('no such picture');
  return serveObject(object, 'avatar', 'public, max-age=31536000, immutable');
});

/** Stores the change and tells every room I am in (open sockets get `members`) and every member's list. */
async function saveProfile(c: Context<AppEnv>, change: { displayName?: string; avatarId?: string | null }) {
  const db = c.var.db();
  const me = c.var.user.userId;
  const { user, replacedAvatarId } = await updateProfile(db, me, change);
  if (!user) throw notFound('user no longer exists');
  if (replacedAvatarId) await c.env.FILES.delete(avatarKey(replacedAvatarId));
  await announceProfileChange(c.env, db, me);
  return c.json({ user: publicUser(user) });
}
