/** Blocks as pairs, for rooms: which blocked pairs a room holds, and which rooms a pair shares. */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { roomMembers, userBlocks } from '../schema';

/** Blocked pairs (either way) among the members of `roomId`. */
export async function blockedPairsIn(db: Pick<Database, 'select'>, roomId: string): Promise<[string, string][]> {
  const members = db.select({ id: roomMembers.userId }).from(roomMembers).where(eq(roomMembers.roomId, roomId));
  const rows = await db
    .select({ blockerId: userBlocks.blockerId, blockedId: userBlocks.blockedId })
    .from(userBlocks)
    .where(and(inArray(userBlocks.blockerId, members), inArray(userBlocks.blockedId, members)));
  return rows.map((r) => [r.blockerId, r.blockedId]);
}

/** Every room both `a` and `b` are members of (their direct room and shared groups). */
export async function sharedRoomIds(db: Database, a: string, b: string): Promise<string[]> {
  const rows = await db.execute<{ room_id: string }>(sql`
    select x.room_id from ${roomMembers} x join ${roomMembers} y on y.room_id = x.room_id
    where x.user_id = ${a} and y.user_id = ${b}
  `);
  return rows.rows.map((r) => r.room_id);
}
