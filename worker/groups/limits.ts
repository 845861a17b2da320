/** How large a group may grow, checked wherever someone joins. */
import type { Database } from '../../drizzle/connection';
import { countMembers } from '../../drizzle/queries/groups';
import { conflict } from '../http/errors';

/** A mesh of sockets per room stays cheap well past this; it bounds one fan-out's work. */
export const MAX_GROUP_MEMBERS = 256;

/** 409 when the group cannot take one more member. */
export async function requireRoomForOneMore(db: Database, roomId: string): Promise<void> {
  if ((await countMembers(db, roomId)) >= MAX_GROUP_MEMBERS) {
    throw conflict(`the group is full: a group has at most ${MAX_GROUP_MEMBERS} members`);
  }
}
