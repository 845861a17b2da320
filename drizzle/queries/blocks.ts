/** Blocking: a pair where either side blocked the other has no direct chat, calls or presence. */
import { and, eq, inArray, or } from 'drizzle-orm';
import type { Database } from '../connection';
import { userBlocks, users } from '../schema';

export async function blockUser(db: Database, blockerId: string, blockedId: string): Promise<void> {
  await db.insert(userBlocks).values({ blockerId, blockedId }).onConflictDoNothing();
}

export async function unblockUser(db: Database, blockerId: string, blockedId: string): Promise<boolean> {
  const rows = await db
    .delete(userBlocks)
    .where(and(eq(userBlocks.blockerId, blockerId), eq(userBlocks.blockedId, blockedId)))
    .returning({ id: userBlocks.blockedId });
  return rows.length > 0;
}

export async function listBlocked(db: Database, blockerId: string) {
  const rows = await db
    .select({ id: users.id, username: users.username, displayName: users.displayName, blockedAt: userBlocks.createdAt })
    .from(userBlocks)
    .innerJoin(users, eq(users.id, userBlocks.blockedId))
    .where(eq(userBlocks.blockerId, blockerId));
  return rows.map((r) => ({ ...r, blockedAt: r.blockedAt.toISOString() }));
}

/** Of `others`, those `userId` blocked or who blocked `userId`. */
export async function blockedEitherWay(db: Database, userId: string, others: string[]): Promise<Set<string>> {
  if (others.length === 0) return new Set();
  const rows = await db
    .select({ blockerId: userBlocks.blockerId, blockedId: userBlocks.blockedId })
    .from(userBlocks)
    .where(
      or(
        and(eq(userBlocks.blockerId, userId), inArray(userBlocks.blockedId, others)),
        and(eq(userBlocks.blockedId, userId), inArray(userBlocks.blockerId, others)),
      ),
    );
  return new Set(rows.map((r) => (r.blockerId === userId ? r.blockedId : r.blockerId)));
}

export async function isBlockedEitherWay(db: Database, a: string, b: string): Promise<boolean> {
  return (await blockedEitherWay(db, a, [b])).size > 0;
}

/** Every block between two of `ids` (either way), as "blocker:blocked" keys: one query for a whole group. */
export async function blocksAmong(db: Database, ids: string[]): Promise<Set<string>> {
  if (ids.length < 2) return new Set();
  const rows = await db
    .select({ blockerId: userBlocks.blockerId, blockedId: userBlocks.blockedId })
    .from(userBlocks)
    .where(and(inArray(userBlocks.blockerId, ids), inArray(userBlocks.blockedId, ids)));
  return new Set(rows.map((r) => `${r.blockerId}:${r.blockedId}`));
}
