/**
 * Invite links and embedding. An admin creates a link (`/join/<token>`), can
 * list and revoke links, and lists the sites allowed to embed the group's chat
 * (`/embed/<roomId>` in an iframe; enforced with CSP frame-ancestors). Anyone
 * signed in who holds a live link can join the group as a member.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import {
  countInviteUse,
  createInvite,
  embedOriginsOf,
  findUsableInvite,
  listInvites,
  replaceEmbedOrigins,
  revokeInvite,
} from '../../drizzle/queries/invites';
import { countMembers } from '../../drizzle/queries/groups';
import { findMembership, listMembers } from '../../drizzle/queries/rooms';
import { joinGroup } from '../../drizzle/queries/membership';
import type { AppEnv } from '../app-env';
import { requireUser } from '../auth/require-user';
import { hashToken, randomToken } from '../auth/secret-tokens';
import { actorToken, announceMembershipChange } from '../groups/announce';
import { requireGroupAdmin } from '../groups/guards';
import { joinRefusal, MAX_GROUP_MEMBERS } from '../groups/limits';
import { notFound } from '../http/errors';
import { isWebOrigin } from '../http/origin-syntax';
import { parseWith, readJson, uuidParam } from '../http/validate';

export const inviteRoutes = new Hono<AppEnv>();
inviteRoutes.use('/groups/:roomId/invites', requireUser);
inviteRoutes.use('/groups/:roomId/invites/*', requireUser);
inviteRoutes.use('/groups/:roomId/embed-origins', requireUser);
inviteRoutes.use('/invites/*', requireUser);

/** A link made without an expiry still ends: a forgotten link cannot admit people for ever. */
export const DEFAULT_INVITE_EXPIRY_HOURS = 7 * 24;

export const inviteToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not an invite token');

function inviteView(invite: { id: string; createdAt: Date; expiresAt: Date | null; revokedAt: Date | null; uses: number }) {
  return {
    id: invite.id,
    createdAt: invite.createdAt.toISOString(),
    expiresAt: invite.expiresAt?.toISOString() ?? null,
    revokedAt: invite.revokedAt?.toISOString() ?? null,
    uses: invite.uses,
  };
}

inviteRoutes.post('/groups/:roomId/invites', async (c) => {
  const { roomId } = await requireGroupAdmin(c);
  const { expiresInHours } = await readJson(
    c,
    z.strictObject({ expiresInHours: z.number().int().min(1).max(24 * 365).optional() }),
  );
  const token = randomToken();
  const expiresAt = new Date(Date.now() + (expiresInHours ?? DEFAULT_INVITE_EXPIRY_HOURS) * 3_600_000);
  const invite = await createInvite(c.var.db(), roomId, c.var.user.userId, await hashToken(token), expiresAt);
  const url = new URL(`/join/${token}`, c.req.url).toString();
  // The token is shown once, here: only its hash is stored.
  return c.json({ invite: { ...inviteView(invite), token, url } }, 201);
});

inviteRoutes.get('/groups/:roomId/invites', async (c) => {
  const { roomId } = await requireGroupAdmin(c);
  return c.json({ invites: (await listInvites(c.var.db(), roomId)).map(inviteView) });
});

inviteRoutes.delete('/groups/:roomId/invites/:inviteId', async (c) => {
  const { roomId } = await requireGroupAdmin(c);
  const inviteId = parseWith(uuidParam, c.req.param('inviteId'));
  if (!(await revokeInvite(c.var.db(), roomId, inviteId))) throw notFound('no such active invite');
  return c.body(null, 204);
});

inviteRoutes.get('/invites/:token', async (c) => {
  const token = parseWith(inviteToken, c.req.param('token'));
  const invite = await findUsableInvite(c.var.db(), await hashToken(token));
  if (!invite) throw notFound('this invite link is invalid, expired or revoked');
  const db = c.var.db();
  const [members, membership] = await Promise.all([countMembers(db, invite.roomId), findMembership(db, invite.roomId, c.var.user.userId)]);
  // `member`: the page says "you're already in this group" (Open group) rather than inviting.
  return c.json({ room: { id: invite.roomId, name: invite.name, members }, member: membership !== undefined });
});

inviteRoutes.post('/invites/:token/accept', async (c) => {
  const token = parseWith(inviteToken, c.req.param('token'));
  const db = c.var.db();
  const invite = await findUsableInvite(db, await hashToken(token));
  if (!invite) throw notFound('this invite link is invalid, expired or revoked');
  // Under the group's lock: within the size limit, and never for someone an admin removed.
  const result = await joinGroup(db, invite.roomId, [c.var.user.userId], MAX_GROUP_MEMBERS, { invite: true });
  if (!result.ok) throw joinRefusal(result.reason);
  const joined = result.joined.length > 0;
  if (joined) {
    await countInviteUse(db, invite.inviteId);
    const members = await listMembers(db, invite.roomId);
    await announceMembershipChange(c, invite.roomId, invite.name, members, {
      added: [c.var.user.userId],
      notice: `${actorToken(c, members)} joined with an invite link`,
    });
  }
  return c.json({ room: { id: invite.roomId, name: invite.name }, joined });
});

/** An origin as browsers send it: scheme, host and optional port, nothing else (see origin-syntax.ts). */
const originSchema = z
  .string()
  .trim()
  .max(200)
  .refine(isWebOrigin, 'each origin must look like https://example.com (scheme, host, optional port; no path, wildcard or punctuation)');

inviteRoutes.get('/groups/:roomId/embed-origins', async (c) => {
  const { roomId } = await requireGroupAdmin(c);
  return c.json({ origins: await embedOriginsOf(c.var.db(), roomId) });
});

inviteRoutes.put('/groups/:roomId/embed-origins', async (c) => {
  const { roomId } = await requireGroupAdmin(c);
  const { origins } = await readJson(c, z.strictObject({ origins: z.array(originSchema).max(20) }));
  const unique = [...new Set(origins)];
  await replaceEmbedOrigins(c.var.db(), roomId, unique);
  return c.json({ origins: unique.sort() });
});
