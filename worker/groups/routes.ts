/**
 * /api/groups: group rooms and their membership. Admins rename, add (one or many
 * at once), remove and change roles; anyone may leave. Every change is written
 * to Postgres first, then handed to the room's object, which applies it with its
 * line (closing removed members' sockets), and the affected users' inboxes are
 * told to refetch their room list. The cost of a change does not grow with the
 * number of people in it beyond one call per inbox.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { createGroup, findUsersByUsernames, renameGroup } from '../../drizzle/queries/groups';
import { changeRole, joinGroup, leaveGroup, removeFromGroup } from '../../drizzle/queries/membership';
import { listMembers, type RoomMemberView } from '../../drizzle/queries/rooms';
import { quotedInSystemLine } from '../../durable-objects/protocol';
import type { AppEnv } from '../app-env';
import { requireUser } from '../auth/require-user';
import { usernameSchema } from '../auth/schemas';
import { badRequest, conflict, forbidden, notFound } from '../http/errors';
import { parseWith, readJson, uuidParam } from '../http/validate';
import { actorToken, announceMembershipChange, memberToken } from './announce';
import { requireGroupAdmin, requireGroupMember } from './guards';
import { MAX_GROUP_MEMBERS, joinRefusal, requireConsentToAdd } from './limits';
import { groupDescription, groupProfileRoutes, saveGroupProfile } from './profile-routes';
import { roomResponse } from './response';


const groupName = z.string().trim().min(1, 'name is required').max(80, 'name must be at most 80 characters');

export const groupRoutes = new Hono<AppEnv>();
groupRoutes.use('/groups', requireUser);
groupRoutes.use('/groups/*', requireUser);
// The picture's routes, behind the same requireUser.
groupRoutes.route('/', groupProfileRoutes);

/** Users by username, all of them or a 400 naming the missing. */
async function usersNamed(c: Context<AppEnv>, usernames: string[]) {
  const found = new Map((await findUsersByUsernames(c.var.db(), usernames)).map((f) => [f.username, f]));
  const missing = usernames.filter((u) => !found.has(u));
  if (missing.length > 0) throw badRequest(`no such users: ${missing.join(', ')}`);
  // Each once, in the order they were asked for (the "added" line names them so), not in
  // whatever order Postgres returned them.
  return [...new Set(usernames)].map((u) => found.get(u)!);
}

/** "<@a|Ann> added <@b|Bob>, <@c|Cat>": one line however many were added (`members`: the list after). */
function addedLine(c: Context<AppEnv>, members: RoomMemberView[], added: string[]): string {
  const byId = new Map(members.map((m) => [m.userId, m]));
  return `${actorToken(c, members)} added ${added.flatMap((id) => (byId.has(id) ? [memberToken(byId.get(id)!)] : [])).join(', ')}`;
}

groupRoutes.post('/groups', async (c) => {
  const body = await readJson(
    c,
    z.strictObject({ name: groupName, members: z.array(usernameSchema).max(MAX_GROUP_MEMBERS - 1).default([]) }),
  );
  const db = c.var.db();
  const found = await usersNamed(c, body.members);
  await requireConsentToAdd(c, found.filter((f) => f.id !== c.var.user.userId));
  const roomId = await createGroup(db, body.name, c.var.user.userId, found.map((f) => f.id));
  const members = await listMembers(db, roomId);
  await announceMembershipChange(c, roomId, body.name, members, {
    created: true,
    added: found.map((f) => f.id).filter((id) => id !== c.var.user.userId),
  });
  return c.json(await roomResponse(c, roomId, { name: body.name }, members), 201);
});

// One change a request, each with its line: the name, or the description (empty clears it).
groupRoutes.patch('/groups/:roomId', async (c) => {
  const group = await requireGroupAdmin(c);
  const body = await readJson(c, z.union([z.strictObject({ name: groupName }), z.strictObject({ description: groupDescription })]));
  if ('description' in body) {
    const { description } = body;
    return saveGroupProfile(c, group, { description }, description ? 'changed the group description' : 'removed the group description');
  }
  const { roomId } = group;
  const { name } = body;
  await renameGroup(c.var.db(), roomId, name);
  const members = await listMembers(c.var.db(), roomId);
  await announceMembershipChange(c, roomId, name, members, {
    updated: true,
    notice: `${actorToken(c, members)} renamed the group to "${quotedInSystemLine(name)}"`,
  });
  return c.json(await roomResponse(c, roomId, { ...group, name }, members));
});

groupRoutes.post('/groups/:roomId/members', async (c) => {
  const group = await requireGroupAdmin(c);
  const { roomId, name } = group;
  const body = await readJson(
    c,
    z.union([
      z.strictObject({ username: usernameSchema }),
      z.strictObject({ usernames: z.array(usernameSchema).min(1).max(MAX_GROUP_MEMBERS - 1) }),
    ]),
  );
  const usernames = 'username' in body ? [body.username] : [...new Set(body.usernames)];
  const db = c.var.db();
  const people = await usersNamed(c, usernames);
  await requireConsentToAdd(c, people);
  const result = await joinGroup(db, roomId, people.map((p) => p.id), MAX_GROUP_MEMBERS, { adminId: c.var.user.userId });
  if (!result.ok) throw joinRefusal(result.reason);
  if (result.joined.length === 0) throw conflict(`${usernames.join(', ')} ${usernames.length === 1 ? 'is' : 'are'} already in the group`);
  const members = await listMembers(db, roomId);
  const joined = people.filter((p) => result.joined.includes(p.id)).map((p) => p.id);
  await announceMembershipChange(c, roomId, name, members, { added: result.joined, notice: addedLine(c, members, joined) });
  return c.json(await roomResponse(c, roomId, group, members), 201);
});

/** What an admin's change refused under the group's lock means to the client. */
function adminChangeRefusal(reason: 'not_an_admin' | 'not_a_member' | 'last_admin') {
  if (reason === 'not_an_admin') return forbidden('only group admins can do that');
  if (reason === 'last_admin') return conflict('a group needs at least one admin: make someone else admin first');
  return notFound('that user is not a member');
}

groupRoutes.delete('/groups/:roomId/members/:userId', async (c) => {
  const group = await requireGroupAdmin(c);
  const { roomId, name } = group;
  const userId = parseWith(uuidParam, c.req.param('userId'));
  if (userId === c.var.user.userId) throw badRequest('to leave the group use POST /api/groups/:roomId/leave');
  const db = c.var.db();
  const before = await listMembers(db, roomId);
  const removed = before.find((m) => m.userId === userId);
  if (!removed) throw notFound('that user is not a member');
  const result = await removeFromGroup(db, roomId, c.var.user.userId, userId);
  if (!result.ok) throw adminChangeRefusal(result.reason);
  const members = await listMembers(db, roomId);
  await announceMembershipChange(c, roomId, name, members, {
    removed: [userId],
    roles: result.promoted ? [{ userId: result.promoted, role: 'admin' }] : [],
    notice: `${actorToken(c, before)} removed ${memberToken(removed)}`,
  });
  return c.json(await roomResponse(c, roomId, group, members));
});

groupRoutes.patch('/groups/:roomId/members/:userId', async (c) => {
  const group = await requireGroupAdmin(c);
  const { roomId, name } = group;
  const userId = parseWith(uuidParam, c.req.param('userId'));
  const { role } = await readJson(c, z.strictObject({ role: z.enum(['admin', 'member']) }));
  const db = c.var.db();
  const target = (await listMembers(db, roomId)).find((m) => m.userId === userId);
  if (!target) throw notFound('that user is not a member');
  if (target.deleted) throw conflict('that account was deleted: it cannot be an admin');
  const result = await changeRole(db, roomId, c.var.user.userId, userId, role);
  if (!result.ok) throw adminChangeRefusal(result.reason);
  const members = await listMembers(db, roomId);
  const them = memberToken(target);
  const notice = role === 'admin' ? `${actorToken(c, members)} made ${them} an admin` : `${actorToken(c, members)} removed ${them} as admin`;
  await announceMembershipChange(c, roomId, name, members, { roles: [{ userId, role }], notice });
  return c.json(await roomResponse(c, roomId, group, members));
});

groupRoutes.post('/groups/:roomId/leave', async (c) => {
  const { roomId, name } = await requireGroupMember(c);
  const userId = c.var.user.userId;
  // The leaver's display name, for the line: after the change they are not in the list.
  const before = await listMembers(c.var.db(), roomId);
  // One transaction under the group's lock: two last admins leaving at once still leave an admin behind.
  const result = await leaveGroup(c.var.db(), roomId, userId);
  if (!result.ok) throw forbidden('you are not a member of this room');
  const members = await listMembers(c.var.db(), roomId);
  await announceMembershipChange(c, roomId, name, members, {
    removed: [userId],
    roles: result.promoted ? [{ userId: result.promoted, role: 'admin' }] : [],
    notice: `${actorToken(c, before)} left`,
  });
  return c.body(null, 204);
});
