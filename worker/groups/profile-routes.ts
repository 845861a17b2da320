/**
 * A group's picture and description, set by its admins (PATCH /api/groups/:roomId takes the
 * description beside the name). The picture takes the path of a profile picture (still
 * images only, MAX_AVATAR_BYTES, the type found in the bytes) and a new id each time, so its
 * URL caches forever; unlike a profile picture it is for members only, fetched with the token.
 * Each change posts its line through the room, as a rename does, and every member's list reloads.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { updateGroupProfile } from '../../drizzle/queries/groups';
import { listMembers } from '../../drizzle/queries/rooms';
import { MAX_AVATAR_BYTES, MAX_GROUP_DESCRIPTION_CHARS } from '../../durable-objects/protocol';
import type { AppEnv } from '../app-env';
import { putUpload } from '../attachments/put';
import { IMAGE_TYPES } from '../attachments/sniff';
import { serveObject } from '../attachments/storage';
import { groupAvatarKey } from '../../durable-objects/shared/r2-keys';
import { readUpload } from '../attachments/upload';
import { notFound } from '../http/errors';
import { parseWith, uuidParam } from '../http/validate';
import { actorToken, announceMembershipChange } from './announce';
import { requireGroupAdmin, requireGroupMember } from './guards';
import { roomResponse } from './response';

/** Plain text, line breaks kept; an empty description clears it (null). */
export const groupDescription = z
  .string()
  .trim()
  .max(MAX_GROUP_DESCRIPTION_CHARS, `the description must be at most ${MAX_GROUP_DESCRIPTION_CHARS} characters`)
  .transform((text) => text || null);

export const groupProfileRoutes = new Hono<AppEnv>();

groupProfileRoutes.put('/groups/:roomId/avatar', async (c) => {
  // The admin check comes before a byte of the body is read.
  const group = await requireGroupAdmin(c);
  const upload = await readUpload(c, MAX_AVATAR_BYTES, (type) => IMAGE_TYPES.has(type) && type !== 'image/gif');
  const avatarId = crypto.randomUUID();
  await putUpload(c.env.FILES, groupAvatarKey(group.roomId, avatarId), upload, { name: 'group picture', kind: 'avatar', uploaderId: c.var.user.userId });
  return saveGroupProfile(c, group, { avatarId }, 'changed the group picture');
});

groupProfileRoutes.delete('/groups/:roomId/avatar', async (c) => {
  const group = await requireGroupAdmin(c);
  // Nothing to remove: no line.
  if (!group.avatarId) return c.json(await roomResponse(c, group.roomId, group, await listMembers(c.var.db(), group.roomId)));
  return saveGroupProfile(c, group, { avatarId: null }, 'removed the group picture');
});

// Members only (a former member no longer sees it); private: the URL does not change meaning.
groupProfileRoutes.get('/groups/:roomId/avatar/:avatarId', async (c) => {
  const { roomId } = await requireGroupMember(c);
  const avatarId = parseWith(uuidParam, c.req.param('avatarId'));
  const object = await c.env.FILES.get(groupAvatarKey(roomId, avatarId));
  if (!object) throw notFound('no such picture');
  return serveObject(object, 'group picture', 'private, max-age=31536000, immutable');
});

type Group = Awaited<ReturnType<typeof requireGroupAdmin>>;

/** Stores the change, removes a replaced picture, posts the line and has every member's list reload. */
export async function saveGroupProfile(
  c: Context<AppEnv>,
  group: Group,
  change: { avatarId?: string | null; description?: string | null },
  what: string,
) {
  const db = c.var.db();
  const { replacedAvatarId } = await updateGroupProfile(db, group.roomId, change);
  if (replacedAvatarId) await c.env.FILES.delete(groupAvatarKey(group.roomId, replacedAvatarId));
  const members = await listMembers(db, group.roomId);
  await announceMembershipChange(c, group.roomId, group.name, members, { updated: true, notice: `${actorToken(c, members)} ${what}` });
  return c.json(await roomResponse(c, group.roomId, { ...group, ...change }, members));
}
