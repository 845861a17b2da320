/** The membership guard of room routes. */
import type { Database } from '../../drizzle/connection';
import { isBlockedEitherWay } from '../../drizzle/queries/blocks';
import { findMembership, listMembers } from '../../drizzle/queries/rooms';
import { forbidden } from '../http/errors';

/** The caller's role in the room, or 403: room ids are opaque, so 403 reveals nothing a 404 would hide. */
export async function requireMembership(db: Database, roomId: string, userId: string) {
  const member = await findMembership(db, roomId, userId);
  if (!member) throw forbidden('you are not a member of this room');
  return member;
}

/** A direct conversation where either person blocked the other cannot be joined live (no messages, no calls). */
export async function requireNotBlocked(db: Database, roomId: string, userId: string, kind: 'direct' | 'group') {
  if (kind !== 'direct') return;
  const other = (await listMembers(db, roomId)).find((m) => m.userId !== userId);
  if (other && (await isBlockedEitherWay(db, userId, other.userId))) {
    throw forbidden('this conversation is blocked: unblock the person to write again');
  }
}
