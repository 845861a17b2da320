/** The membership guard of room routes. */
import type { Database } from '../../drizzle/connection';
import { findMembership } from '../../drizzle/queries/rooms';
import { forbidden } from '../http/errors';

/** The caller's role in the room, or 403: room ids are opaque, so 403 reveals nothing a 404 would hide. */
export async function requireMembership(db: Database, roomId: string, userId: string) {
  const member = await findMembership(db, roomId, userId);
  if (!member) throw forbidden('you are not a member of this room');
  return member;
}
