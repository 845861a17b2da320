/** Muting a room for one member: stored on room_members so it follows the person across devices. */
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { roomMembers } from '../schema';
import { mutedUntilSql } from './rooms';

/** How long a mute lasts, as offered in the app. */
export const MUTE_DURATIONS = { '1h': '1 hour', '8h': '8 hours', '1w': '7 days', forever: null } as const;
export type MuteDuration = keyof typeof MUTE_DURATIONS;

/**
 * Mutes the room for `duration` from now (`off` unmutes). Returns the stored end
 * ('forever', an ISO time or null), or undefined when the user is not a member.
 */
export async function setMute(db: Database, roomId: string, userId: string, duration: MuteDuration | 'off') {
  const until =
    duration === 'off' ? sql`null` : duration === 'forever' ? sql`'infinity'::timestamptz` : sql`now() + ${MUTE_DURATIONS[duration]}::interval`;
  const [row] = await db
    .update(roomMembers)
    .set({ mutedUntil: until })
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)))
    .returning({ mutedUntil: mutedUntilSql(sql`${roomMembers.mutedUntil}`) });
  return row ? row.mutedUntil : undefined;
}
