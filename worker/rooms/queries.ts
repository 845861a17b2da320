/** The membership guard of room routes, and the way to a room's object. */
import type { Database } from '../../drizzle/connection';
import { findMembership } from '../../drizzle/queries/rooms';
import { BLOCKED_CONVERSATION_TEXT } from '../../durable-objects/protocol';
import { forbidden } from '../http/errors';
import type { Env } from '../../durable-objects/shared/env';

/** Room ids are opaque, so 403 reveals nothing a 404 would hide. */
export const notAMember = () => forbidden('you are not a member of this room');

/** The caller's role in the room, or 403. */
export async function requireMembership(db: Database, roomId: string, userId: string) {
  const member = await findMembership(db, roomId, userId);
  if (!member) throw notAMember();
  return member;
}

/** The room's Durable Object. */
export function roomObject(env: Env, roomId: string) {
  return env.ROOMS.get(env.ROOMS.idFromName(roomId));
}

/** A direct conversation where either person blocked the other cannot be joined live (no messages, no calls). */
export const blockedConversation = () => forbidden(BLOCKED_CONVERSATION_TEXT);
