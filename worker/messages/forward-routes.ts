/**
 * POST /api/forward: a copy of one of a room's messages, marked "Forwarded", into one or
 * several other rooms. The forwarder must be a member of the source and of every target;
 * each copy is posted by its target room on the ordered, exactly-once path of a send.
 * A picture, file or voice note is copied into each target's files (forward-attachment.ts).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { FORWARD_CLIENT_ID_PREFIX, MAX_CLIENT_ID_CHARS, type WireMessage } from '../../durable-objects/protocol';
import type { AppEnv } from '../app-env';
import { requireUser } from '../auth/require-user';
import { badRequest, forbidden } from '../http/errors';
import { enforceRateLimit } from '../http/rate-limit';
import { readJson, uuidParam } from '../http/validate';
import { roomObject } from '../rooms/queries';
import { secretRoomsAmong } from '../../drizzle/queries/rooms';
import { forwardAttachment } from './forward-attachment';
import { requireReadableMessage, seqParam } from './readable';

/** Most rooms one forward reaches. */
export const MAX_FORWARD_TARGETS = 10;
const FORWARD_RATE = { burst: 20, perMinute: 60 };

const forwardBody = z.strictObject({
  roomId: uuidParam,
  seq: seqParam,
  to: z
    .array(uuidParam)
    .min(1, 'choose at least one chat')
    .max(MAX_FORWARD_TARGETS, `a message can be forwarded to at most ${MAX_FORWARD_TARGETS} chats at once`)
    .refine((ids) => new Set(ids).size === ids.length, 'a chat is named twice'),
  /** The forwarder's id for this forward: asked again with the same id, each room stores its copy once. */
  clientId: z
    .string()
    .min(1)
    .max(MAX_CLIENT_ID_CHARS - FORWARD_CLIENT_ID_PREFIX.length)
    .regex(/^[A-Za-z0-9_-]+$/, 'clientId may contain only letters, digits, "-" and "_"'),
});

/** What people sent is forwardable: text, pictures, files and voice notes; never a secret chat's sealed messages. */
function refuseUnforwardable(source: WireMessage): void {
  if (source.type === 'secret') {
    // Only the recipients' devices can read it; the server has nothing to copy but ciphertext for them.
    throw badRequest('messages of a secret chat are end-to-end encrypted: the server cannot forward them');
  }
  if (source.type === 'system' || source.type === 'call') throw badRequest('only messages people sent can be forwarded');
}

export const forwardRoutes = new Hono<AppEnv>();
forwardRoutes.use('/forward', requireUser);

forwardRoutes.post('/forward', async (c) => {
  const body = await readJson(c, forwardBody);
  const userId = c.var.user.userId;
  await enforceRateLimit(c, `forward:${userId}`, FORWARD_RATE, 'forwards');
  const source = await requireReadableMessage(c, body.roomId, body.seq);
  refuseUnforwardable(source);
  const clientId = FORWARD_CLIENT_ID_PREFIX + body.clientId;
  // Every target is checked before any copy is posted: a refusal forwards nothing.
  const access = await Promise.all(body.to.map((roomId) => roomObject(c.env, roomId).access(roomId, userId)));
  const refused = body.to.filter((_, i) => access[i] !== 'member');
  if (refused.length > 0) {
    throw forbidden(`you cannot write in ${refused.length === 1 ? 'one of those chats' : `${refused.length} of those chats`}`);
  }
  // A secret chat takes only what its members' devices encrypt: a copy from the server would be plain text.
  if ((await secretRoomsAmong(c.var.db(), body.to)).length > 0) {
    throw badRequest('a secret chat cannot take forwarded messages: only what your device encrypts goes in');
  }
  const results = source.attachment
    ? await forwardAttachment(c, { source, attachment: source.attachment, userId, clientId }, body.to)
    : await Promise.all(body.to.map((roomId) => roomObject(c.env, roomId).forwardHere(roomId, userId, clientId, source.content)));
  const forwarded = body.to.map((roomId, i) => {
    const r = results[i]!;
    return r.status === 'ok' ? { roomId, ok: true as const, seq: r.seq, id: r.id } : { roomId, ok: false as const, reason: r.status };
  });
  return c.json({ forwarded });
});
