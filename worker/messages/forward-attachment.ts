/**
 * Forwarding a picture, file or voice note. Its bytes live under the source room's key and
 * are served to that room's members only, so each target room gets a copy of its own: the
 * copy is registered in the target like an upload (ChatRoom.reserveForwardCopy), counted
 * against the forwarder's and the target's daily upload allowance, copied R2 to R2 (with its
 * thumbnail), then posted by the target on its ordered, exactly-once path. The copy's id is
 * derived from (target, forwarder, clientId): a retry writes the same key, never a second
 * object, and a retry of a forward already posted copies and counts nothing.
 */
import type { Context } from 'hono';
import { SEALED_CONTENT_TYPE, type Attachment, type WireMessage } from '../../durable-objects/protocol';
import type { ForwardResult } from '../../durable-objects/room/chat-room';
import { logFailure } from '../../durable-objects/shared/log-failure';
import type { AppEnv } from '../app-env';
import { copyObject } from '../attachments/copy';
import { UploadAllowance } from '../attachments/quota';
import { attachmentKey, thumbnailKey } from '../../durable-objects/shared/r2-keys';
import { readConfig } from '../../durable-objects/shared/env';
import { badRequest } from '../http/errors';
import { blockedConversation, notAMember, roomObject } from '../rooms/queries';

interface Forward {
  source: WireMessage;
  attachment: Attachment;
  userId: string;
  clientId: string;
}

/** One result per target, in order; 413 (nothing forwarded) when the allowance cannot take every copy. */
export async function forwardAttachment(c: Context<AppEnv>, forward: Forward, targets: string[]): Promise<ForwardResult[]> {
  const { source, attachment, userId, clientId } = forward;
  if (attachment.contentType === SEALED_CONTENT_TYPE) throw badRequest('an encrypted file of a secret chat cannot be forwarded by the server');
  // The forwarder must be able to download it where it is (a blocked conversation's files cannot be).
  const access = await roomObject(c.env, source.roomId).attachmentAccess(source.roomId, userId, attachment.id);
  if (access === 'blocked') throw blockedConversation();
  if (access !== 'member') throw notAMember();

  const copies = await Promise.all(targets.map(async (roomId) => ({ roomId, id: await forwardCopyId(roomId, userId, clientId) })));
  const reservations = await Promise.all(
    copies.map(({ roomId, id }) => roomObject(c.env, roomId).reserveForwardCopy(roomId, userId, clientId, { ...attachment, id, thumbnail: false })),
  );
  const toCopy = copies.filter((_, i) => reservations[i]!.status === 'reserved');
  const allowances = await takeAllowances(c, userId, toCopy.map((copy) => copy.roomId), attachment.size);
  const posted = await Promise.all(toCopy.map((copy, i) => copyAndPost(c, forward, copy, allowances[i]!)));
  let next = 0;
  return reservations.map((r) => (r.status === 'reserved' ? posted[next++]! : r));
}

/** Every copy's bytes, taken before any is written: one refusal gives all of them back. */
async function takeAllowances(c: Context<AppEnv>, userId: string, roomIds: string[], bytes: number): Promise<UploadAllowance[]> {
  if (roomIds.length === 0) return [];
  const config = readConfig(c.env);
  const allowances = roomIds.map((roomId) => new UploadAllowance(c, config, userId, roomId));
  await allowances[0]!.start();
  try {
    for (const allowance of allowances) await allowance.take(bytes);
  } catch (err) {
    await Promise.all(allowances.map((a) => a.giveBack()));
    throw err;
  }
  return allowances;
}

async function copyAndPost(c: Context<AppEnv>, forward: Forward, copy: { roomId: string; id: string }, allowance: UploadAllowance): Promise<ForwardResult> {
  const { source, attachment, userId, clientId } = forward;
  const files = c.env.FILES;
  const meta = { uploaderId: userId };
  let thumbnail = false;
  try {
    if (!(await copyObject(files, attachmentKey(source.roomId, attachment.id), attachmentKey(copy.roomId, copy.id), meta))) {
      await allowance.giveBack();
      return { status: 'failed' };
    }
    thumbnail = attachment.thumbnail && (await copyObject(files, thumbnailKey(source.roomId, attachment.id), thumbnailKey(copy.roomId, copy.id), meta));
  } catch (err) {
    // Whatever was written stays registered as unsent, so the target room's sweep deletes it within a day.
    logFailure('copying a forwarded attachment failed', err, { room: copy.roomId });
    await allowance.giveBack();
    return { status: 'failed' };
  }
  // If this call fails the request does; the same forward asked again settles it (same clientId, same key).
  const result = await roomObject(c.env, copy.roomId).forwardHere(copy.roomId, userId, clientId, source.content, { attachmentId: copy.id, thumbnail });
  if (result.status !== 'ok' || result.repeated) await allowance.giveBack();
  if (result.status !== 'ok') {
    const keys = [attachmentKey(copy.roomId, copy.id), thumbnailKey(copy.roomId, copy.id)];
    c.executionCtx.waitUntil(files.delete(keys).catch((err: unknown) => logFailure('deleting a refused forward copy failed', err, { room: copy.roomId })));
  }
  return result;
}

/** A UUID (version 8, RFC 9562) from SHA-256 of the target, the forwarder and the forward's clientId. */
export async function forwardCopyId(roomId: string, userId: string, clientId: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`forward\u0000${roomId}\u0000${userId}\u0000${clientId}`));
  const bytes = new Uint8Array(digest, 0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
