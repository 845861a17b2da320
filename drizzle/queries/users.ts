/** User lookups that are not about authentication. */
import { and, asc, ne, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { users } from '../schema';

/** Usernames starting with `prefix` (LIKE wildcards in it are matched literally), me excluded. */
export async function searchUsers(db: Database, prefix: string, me: string, limit: number) {
  const pattern = `${prefix.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  const rows = await db
    .select({ id: users.id, username: users.username, displayName: users.displayName, createdAt: users.createdAt })
    .from(users)
    .where(and(sql`${users.username} like ${pattern}`, ne(users.id, me)))
    .orderBy(asc(users.username))
    .limit(limit);
  return rows.map((u) => ({ ...u, createdAt: u.createdAt.toISOString() }));
}
