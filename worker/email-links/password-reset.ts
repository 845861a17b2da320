/**
 * Setting a new password from a reset link: the link is used up, the password replaced, the
 * address counts as verified (the link reached it), every session of the account ends and
 * every other reset link is void, all in one transaction.
 */
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../drizzle/connection';
import { emailTokens, sessions, users } from '../../drizzle/schema';
import { hashToken } from '../auth/secret-tokens';

/** The account a live reset token belongs to, without using it up (to check the new password against its name). */
export async function resetTokenOwner(db: Database, token: string): Promise<{ userId: string; username: string } | undefined> {
  const [row] = await db
    .select({ userId: users.id, username: users.username })
    .from(emailTokens)
    .innerJoin(users, and(eq(users.id, emailTokens.userId), eq(users.email, emailTokens.email), isNull(users.deletedAt)))
    .where(
      and(
        eq(emailTokens.tokenHash, await hashToken(token)),
        eq(emailTokens.purpose, 'reset'),
        isNull(emailTokens.usedAt),
        gt(emailTokens.expiresAt, sql`now()`),
      ),
    )
    .limit(1);
  return row;
}

/** Undefined when the token is unknown, used, expired or its account's address changed. */
export async function resetPassword(db: Database, token: string, passwordHash: string): Promise<{ userId: string; endedSessionIds: string[] } | undefined> {
  const tokenHash = await hashToken(token);
  return db.transaction(async (tx) => {
    const [taken] = await tx
      .update(emailTokens)
      .set({ usedAt: sql`now()` })
      .where(and(eq(emailTokens.tokenHash, tokenHash), eq(emailTokens.purpose, 'reset'), isNull(emailTokens.usedAt), gt(emailTokens.expiresAt, sql`now()`)))
      .returning({ userId: emailTokens.userId, email: emailTokens.email });
    if (!taken) return undefined;
    const [user] = await tx
      .update(users)
      .set({ passwordHash, emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())` })
      .where(and(eq(users.id, taken.userId), eq(users.email, taken.email), isNull(users.deletedAt)))
      .returning({ id: users.id });
    if (!user) return undefined;
    await tx
      .update(emailTokens)
      .set({ usedAt: sql`now()` })
      .where(and(eq(emailTokens.userId, user.id), eq(emailTokens.purpose, 'reset'), isNull(emailTokens.usedAt)));
    const ended = await tx
      .update(sessions)
      .set({ revokedAt: new Date() })
      .where(and(eq(sessions.userId, user.id), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id });
    return { userId: user.id, endedSessionIds: ended.map((s) => s.id) };
  });
}

/** Marks the address verified if the link is live and still names the account's current address. */
export async function verifyEmail(db: Database, userId: string, email: string): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())` })
    .where(and(eq(users.id, userId), eq(users.email, email), isNull(users.deletedAt)))
    .returning({ id: users.id });
  return rows.length > 0;
}
