/** User lookups that are not about authentication. */
import { and, asc, ne, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { users } from '../schema';

/**
 * People whose username starts with `prefix`, or any word of whose display name does
 * (case-insensitive; LIKE wildcards in it are matched literally), me excluded. Username
 * matches come first.
 */
export async function searchUsers(db: Database, prefix: string, me: string, limit: number) {
  const escaped = prefix.replace(/[\\%_]/g, (ch) => `\\${ch}`);
  const byUsername = sql`${users.username} like ${`${escaped}%`}`;
  const byDisplayName = sql`(lower(${users.displayName}) like ${`${escaped}%`} or lower(${users.displayName}) like ${`% ${escaped}%`})`;
  const rows = await db
    .select({ id: users.id, username: users.username, displayName: users.displayName, createdAt: users.createdAt })
    .from(users)
    .where(and(sql`(${byUsername} or ${byDisplayName})`, ne(users.id, me)))
    .orderBy(sql`(${byUsername}) desc`, asc(users.username))
    .limit(limit);
  return rows.map((u) => ({ ...u, createdAt: u.createdAt.toISOString() }));
}
