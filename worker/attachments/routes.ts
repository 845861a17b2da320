/**
 * /api/rooms/:roomId/attachments: uploads to R2 through the Worker, and downloads,
 * for members only. An upload is registered with the room's object, which then
 * accepts a `send` frame naming it (see docs/protocol.md).
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { MAX_ATTACHMENT_BYTES, MAX_THUMBNAIL_BYTES, MAX_WAVEFORM_POINTS, type Attachment, type AttachmentKind } from '../../durable-objects/protocol';
import type { AppEnv } from '../app-env';
import { requireUser } from '../auth/require-user';
import { conflict, notFound } from '../http/errors';
import { parseWith, readQuery, uuidParam } from '../http/validate';
import { blockedConversation, notAMember, roomObject } from '../rooms/queries';
import { requireFormerAttachment } from '../rooms/former-access';
import { sanitizeFileName } from './names';
import { serveObject } from './storage';
import { attachmentKey, thumbnailKey } from '../../durable-objects/shared/r2-keys';
import { AUDIO_TYPES, IMAGE_TYPES } from './sniff';
import { putUpload } from './put';
import { readUpload } from './upload';
import { UploadAllowance } from './quota';
import { readConfig } from '../../durable-objects/shared/env';

export const attachmentRoutes = new Hono<AppEnv>();
attachmentRoutes.use('/rooms/:roomId/attachments', requireUser);
attachmentRoutes.use('/rooms/:roomId/attachments/*', requireUser);

const dimension = z.coerce.number().int().min(1).max(100_000).optional();
const uploadQuery = z.object({
  kind: z.enum(['image', 'file', 'voice']),
  name: z.string().max(1000).optional(),
  width: dimension,
  height: dimension,
  durationMs: z.coerce.number().int().min(0).max(24 * 3600_000).optional(),
  /** "1": an encrypted file of a secret chat (docs/e2e.md): any bytes, kept as "encrypted", sendable only with send_secret. */
  sealed: z.literal('1').optional(),
  // Voice notes: comma-separated peaks 0–100, as measured by the recorder.
  waveform: z
    .string()
    .regex(new RegExp(`^\\d{1,3}(,\\d{1,3}){0,${MAX_WAVEFORM_POINTS - 1}}$`), `waveform is up to ${MAX_WAVEFORM_POINTS} comma-separated numbers 0–100`)
    .transform((s) => s.split(',').map(Number))
    .refine((peaks) => peaks.every((p) => p <= 100), 'waveform peaks are 0–100')
    .optional(),
});

/** Which found types each kind accepts: any allowed type may be sent as a file. */
const ACCEPTS: Record<AttachmentKind, (type: string) => boolean> = {
  image: (type) => IMAGE_TYPES.has(type),
  voice: (type) => AUDIO_TYPES.has(type),
  file: () => true,
};

/** Checked before a byte of the body is read: non-members upload nothing. */
async function memberRoom(c: { env: AppEnv['Bindings']; var: AppEnv['Variables'] }, rawRoomId: string) {
  const roomId = parseWith(uuidParam, rawRoomId);
  const room = roomObject(c.env, roomId);
  const access = await room.access(roomId, c.var.user.userId);
  if (access === 'not_member') throw notAMember();
  if (access === 'blocked') throw blockedConversation();
  return { roomId, room };
}

attachmentRoutes.post('/rooms/:roomId/attachments', async (c) => {
  const query = readQuery(c, uploadQuery);
  const { roomId, room } = await memberRoom(c, c.req.param('roomId'));
  const me = c.var.user.userId;
  const allowance = new UploadAllowance(c, readConfig(c.env), me, roomId);
  await allowance.start();
  const id = crypto.randomUUID();
  let attachment: Attachment;
  try {
    const sealed = query.sealed === '1';
    const upload = await readUpload(c, MAX_ATTACHMENT_BYTES, sealed ? 'sealed' : ACCEPTS[query.kind], (size) => allowance.take(size));
    // A sealed file's real name is inside the encrypted message; the server keeps a neutral one.
    const name = sealed ? 'encrypted' : sanitizeFileName(query.name, query.kind === 'voice' ? 'voice note' : query.kind, upload.contentType);
    const kind = sealed ? 'file' : query.kind;
    await putUpload(c.env.FILES, attachmentKey(roomId, id), upload, { name, kind, uploaderId: me });
    attachment = {
      id,
      kind,
      name,
      size: upload.size,
      contentType: upload.contentType,
      width: kind === 'image' ? (query.width ?? null) : null,
      height: kind === 'image' ? (query.height ?? null) : null,
      durationMs: kind === 'voice' ? (query.durationMs ?? null) : null,
      thumbnail: false,
      ...(query.kind === 'voice' && query.waveform ? { waveform: query.waveform } : {}),
    };
  } catch (err) {
    // Refused or cut short: nothing stored, nothing counted.
    await allowance.giveBack();
    throw err;
  }
  if (!(await room.attachmentUploaded(roomId, me, attachment))) {
    // Removed from the room while uploading.
    await Promise.all([c.env.FILES.delete(attachmentKey(roomId, id)), allowance.giveBack()]);
    throw notAMember();
  }
  return c.json({ attachment }, 201);
});

attachmentRoutes.put('/rooms/:roomId/attachments/:id/thumbnail', async (c) => {
  const roomId = parseWith(uuidParam, c.req.param('roomId'));
  const id = parseWith(uuidParam, c.req.param('id'));
  const room = roomObject(c.env, roomId);
  const me = c.var.user.userId;
  // Reserved before a byte is written: a refused PUT leaves nothing in R2.
  const reservation = await room.reserveThumbnail(roomId, me, id);
  if (reservation === 'not_member') throw notAMember();
  if (reservation === 'not_yours') throw notFound('no upload of yours with that id in this room');
  if (reservation !== 'ok') throw conflict('that attachment already has a thumbnail or was sent; its thumbnail cannot change');
  const key = thumbnailKey(roomId, id);
  try {
    const upload = await readUpload(c, MAX_THUMBNAIL_BYTES, (type) => IMAGE_TYPES.has(type));
    await putUpload(c.env.FILES, key, upload, { name: 'thumbnail', kind: 'thumbnail', uploaderId: me });
  } catch (err) {
    await room.thumbnailFailed(roomId, me, id);
    throw err;
  }
  if (!(await room.thumbnailUploaded(roomId, me, id))) {
    // Sent while its bytes were on their way: the message says it has none.
    await c.env.FILES.delete(key);
    throw conflict('that attachment was sent meanwhile; its thumbnail cannot change');
  }
  return c.body(null, 204);
});

// Attachments never change under their id: browsers may keep them, privately.
const ATTACHMENT_CACHE = 'private, max-age=31536000, immutable';

/** Members may download what was sent; an upload not sent yet only its uploader (404 to the rest). */
async function readableAttachment(c: Context<AppEnv>, rawRoomId: string, rawId: string) {
  const roomId = parseWith(uuidParam, rawRoomId);
  const id = parseWith(uuidParam, rawId);
  const access = await roomObject(c.env, roomId).attachmentAccess(roomId, c.var.user.userId, id);
  // Someone who left or was removed: only what was sent in the history they keep.
  if (access === 'not_member') {
    await requireFormerAttachment(c, roomId, id);
    return { roomId, id };
  }
  if (access === 'blocked') throw blockedConversation();
  if (access === 'unsent') throw notFound('no such attachment');
  return { roomId, id };
}

attachmentRoutes.get('/rooms/:roomId/attachments/:id', async (c) => {
  const { roomId, id } = await readableAttachment(c, c.req.param('roomId'), c.req.param('id'));
  const object = await c.env.FILES.get(attachmentKey(roomId, id));
  if (!object) throw notFound('no such attachment');
  return serveObject(object, object.customMetadata?.name ?? 'file', ATTACHMENT_CACHE);
});

attachmentRoutes.get('/rooms/:roomId/attachments/:id/thumbnail', async (c) => {
  const { roomId, id } = await readableAttachment(c, c.req.param('roomId'), c.req.param('id'));
  const object = await c.env.FILES.get(thumbnailKey(roomId, id));
  if (!object) throw notFound('no thumbnail for that attachment');
  return serveObject(object, 'thumbnail', ATTACHMENT_CACHE);
});
