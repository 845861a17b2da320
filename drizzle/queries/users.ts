/** User lookups that are not about authentication. */
import { and, asc, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { roomMembers, rooms, userBlocks, users } from '../schema';

/**
 * People whose username starts with `prefix`, or any word of whose display name does
 * (case-insensitive; LIKE wildcards in it are matched literally), me excluded. Username
 * matches come first. Deleted accounts are never found.
 */
export async function searchUsers(db: Database, prefix: string, me: string, limit: number) {
  const escaped = prefix.replace(/[\\%_]/g, (ch) => `\\${ch}`);
  const byUsername = sql`${users.username} like ${`${escaped}%`}`;
  const byDisplayName = sql`(lower(${users.displayName}) like ${`${escaped}%`} or lower(${users.displayName}) like ${`% ${escaped}%`})`;
  const rows = await db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      avatarId: users.avatarId,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(
      and(
        sql`(${byUsername} or ${byDisplayName})`,
        ne(users.id, me),
        isNull(users.deletedAt),
        // A block either way hides each from the other's search.
        sql`not exists (select 1 from ${userBlocks} b where (b.blocker_id = ${me} and b.blocked_id = ${users.id}) or (b.blocker_id = ${users.id} and b.blocked_id = ${me}))`,
      ),
    )
    .orderBy(sql`(${byUsername}) desc`, asc(users.username))
    .limit(limit);
  return rows.map((u) => ({ ...u, createdAt: u.createdAt.toISOString() }));
}

/** The rooms `userId` is in, with their names and every member's id: who must hear of a profile change. */
export async function roomsAndMembersOf(db: Database, userId: string) {
  const rows = await db.execute<{ id: string; name: string | null; member_ids: string[] }>(sql`
    select r.id, r.name, array(select rm.user_id::text from ${roomMembers} rm where rm.room_id = r.id) as member_ids
    from ${roomMembers} me join ${rooms} r on r.id = me.room_id
    where me.user_id = ${userId}
  `);
  return rows.rows.map((r) => ({ id: r.id, name: r.name, memberIds: r.member_ids }));
}

/** Sets the profile fields given; returns the updated row and the avatar it replaced. */
export async function updateProfile(db: Database, userId: string, change: { displayName?: string; avatarId?: string | null }) {
  const [before] = await db.select({ avatarId: users.avatarId }).from(users).where(eq(users.id, userId)).limit(1);
  const [user] = await db.update(users).set(change).where(eq(users.id, userId)).returning();
  return { user, replacedAvatarId: change.avatarId !== undefined ? (before?.avatarId ?? null) : null };
}
