/** The message a route acts on, as its room holds it: 403 for a non-member, 404 for no such message. */
import type { Context } from 'hono';
import { z } from 'zod';
import type { WireMessage } from '../../durable-objects/protocol';
import type { AppEnv } from '../app-env';
import { notFound } from '../http/errors';
import { parseWith, uuidParam } from '../http/validate';
import { notAMember, roomObject } from '../rooms/queries';

export const seqParam = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** `:roomId` and `:seq` of the route. */
export function messageParams(c: Context<AppEnv>): { roomId: string; seq: number } {
  return { roomId: parseWith(uuidParam, c.req.param('roomId')), seq: parseWith(seqParam, c.req.param('seq')) };
}

/**
 * Asked of the room's object: it knows its members and holds the newest messages, which
 * Postgres may not have yet (it is written behind the room).
 */
export async function requireReadableMessage(c: Context<AppEnv>, roomId: string, seq: number): Promise<WireMessage> {
  const found = await roomObject(c.env, roomId).readableMessage(roomId, c.var.user.userId, seq);
  if (found.status === 'not_member') throw notAMember();
  if (found.status !== 'ok') throw notFound(`no message ${seq} in this room, or it was deleted`);
  return found.message;
}
