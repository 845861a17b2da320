/** /api/rooms: conversations and history (WebSocket tickets: worker/realtime/ticket-routes.ts). */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app-env';
import { usernameSchema } from '../auth/schemas';
import { requireUser } from '../auth/require-user';
import { findUserByUsername, publicUser } from '../auth/users';
import { badRequest, forbidden, notFound } from '../http/errors';
import { parseWith, readJson, readQuery, uuidParam } from '../http/validate';
import { messagesBefore } from '../../drizzle/queries/messages';
import { findMembership, listMembers, listRoomsOf, openDirectRoom } from '../../drizzle/queries/rooms';
import { forgetFormerRoom, listFormerRoomsOf } from '../../drizzle/queries/former-members';
import { isBlockedEitherWay } from '../../drizzle/queries/blocks';
import { hideReadCursors } from '../../drizzle/queries/privacy';
import { notAMember, requireMembership, roomObject } from './queries';
import { formerHistoryBefore, formerRoomDetail, withFormerRooms } from './former-access';
import { logFailure } from '../../durable-objects/shared/log-failure';

export const roomRoutes = new Hono<AppEnv>();
roomRoutes.use('/rooms', requireUser);
roomRoutes.use('/rooms/*', requireUser);

roomRoutes.get('/rooms', async (c) => {
  const { userId } = c.var.user;
  const db = c.var.db();
  const [rooms, former] = await Promise.all([listRoomsOf(db, userId), listFormerRoomsOf(db, userId)]);
  // Read receipts follow the privacy settings here too (one query for the whole list).
  const members = await hideReadCursors(db, userId, rooms.flatMap((r) => r.members));
  let next = 0;
  const mine = rooms.map((r) => ({ ...r, members: members.slice(next, (next += r.members.length)) }));
  return c.json({ rooms: withFormerRooms(mine, former) });
});

/** Opens the pair's ordinary conversation, or with `secret` their secret chat (docs/e2e.md). */
async function openConversation(c: Context<AppEnv>, secret: boolean) {
  const { username } = await readJson(c, z.strictObject({ username: usernameSchema }));
  const db = c.var.db();
  const other = await findUserByUsername(db, username);
  if (!other) throw notFound(`no user named ${username}`);
  if (other.id === c.var.user.userId) throw badRequest('you cannot open a conversation with yourself');
  if (await isBlockedEitherWay(db, c.var.user.userId, other.id)) throw forbidden(`you cannot message ${username}`);
  const { roomId, created } = await openDirectRoom(db, c.var.user.userId, other.id, { secret });
  if (created) {
    // The other person's conversation list shows the new chat at once, even before a message.
    // Presence is not shared yet: only once both have written (see contactsOf).
    const inbox = c.env.INBOXES.get(c.env.INBOXES.idFromName(other.id));
    await inbox.roomsChanged(roomId, 'added').catch((err: unknown) => logFailure('inbox update failed', err, { room: roomId }));
  }
  return c.json({ room: { id: roomId, kind: 'direct' as const, secret, with: publicUser(other) } });
}

roomRoutes.post('/rooms/direct', (c) => openConversation(c, false));
roomRoutes.post('/rooms/secret', (c) => openConversation(c, true));

roomRoutes.get('/rooms/:roomId', async (c) => {
  const roomId = parseWith(uuidParam, c.req.param('roomId'));
  const db = c.var.db();
  const membership = await findMembership(db, roomId, c.var.user.userId);
  if (!membership) return c.json({ room: await formerRoomDetail(c, roomId) });
  const { kind, name, createdAt, createdBy, secret, avatarId, description } = membership;
  // createdAt and createdBy head the timeline once its history is read to the start ("Ann created the group").
  return c.json({
    room: { id: roomId, kind, name, secret, avatarId, description, createdAt: createdAt.toISOString(), createdBy, members: await hideReadCursors(db, c.var.user.userId, await listMembers(db, roomId)), former: null },
  });
});

const historyQuery = z.object({
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

// The room's log holds what Postgres may not have yet (it is written behind the
// room), so a page starts there and only what is older comes from Postgres.
roomRoutes.get('/rooms/:roomId/messages', async (c) => {
  const roomId = parseWith(uuidParam, c.req.param('roomId'));
  const { before, limit } = readQuery(c, historyQuery);
  let pageBefore = before;
  let tail = await roomObject(c.env, roomId).tailPage(roomId, c.var.user.userId, before, limit);
  if (!tail.member) {
    // Someone who left or was removed: the same page, never past the line about them (the
    // Postgres part below is bounded by the same capped `before`).
    pageBefore = await formerHistoryBefore(c, roomId, before);
    tail = await roomObject(c.env, roomId).formerTailPage(roomId, pageBefore, limit);
  }
  const below = Math.min(pageBefore ?? Number.MAX_SAFE_INTEGER, tail.tailStart);
  const older =
    tail.messages.length < limit && below > 1 ? await messagesBefore(c.var.db(), roomId, below, limit - tail.messages.length) : [];
  const messages = [...tail.messages, ...older];
  const oldest = messages.at(-1)?.seq;
  return c.json({ messages, nextBefore: messages.length === limit && oldest && oldest > 1 ? oldest : null });
});


/** "Delete chat" for a group I left or was removed from: gone from my list, history with it. */
roomRoutes.delete('/rooms/:roomId/former', async (c) => {
  const roomId = parseWith(uuidParam, c.req.param('roomId'));
  if (!(await forgetFormerRoom(c.var.db(), roomId, c.var.user.userId))) throw notFound('this chat is not one you left or were removed from');
  return c.body(null, 204);
});
