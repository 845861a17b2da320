/**
 * Single-use links sent by mail: a 256-bit random token, stored only as its SHA-256 hash,
 * with an expiry; taking one marks it used in the same statement, so two requests with
 * one link cannot both succeed.
 */
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../drizzle/connection';
import { emailTokens } from '../../drizzle/schema';
import { hashToken, randomToken } from '../auth/secret-tokens';

export type EmailTokenPurpose = 'verify' | 'reset';

export const EMAIL_TOKEN_TTL_MS: Record<EmailTokenPurpose, number> = {
  verify: 48 * 3600_000,
  reset: 30 * 60_000,
};

export async function issueEmailToken(db: Database, userId: string, email: string, purpose: EmailTokenPurpose): Promise<string> {
  const token = randomToken();
  await db.insert(emailTokens).values({
    userId,
    email,
    purpose,
    tokenHash: await hashToken(token),
    expiresAt: new Date(Date.now() + EMAIL_TOKEN_TTL_MS[purpose]),
  });
  return token;
}

/** Uses the token up: its user and the address it was sent to, or undefined (unknown, used or expired). */
export async function takeEmailToken(
  db: Database,
  token: string,
  purpose: EmailTokenPurpose,
): Promise<{ userId: string; email: string } | undefined> {
  const [row] = await db
    .update(emailTokens)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(emailTokens.tokenHash, await hashToken(token)),
        eq(emailTokens.purpose, purpose),
        isNull(emailTokens.usedAt),
        gt(emailTokens.expiresAt, sql`now()`),
      ),
    )
    .returning({ userId: emailTokens.userId, email: emailTokens.email });
  return row;
}

/** Every other outstanding link of this kind stops working (after a reset, older reset links are void). */
export async function voidEmailTokens(db: Database, userId: string, purpose: EmailTokenPurpose): Promise<void> {
  await db
    .update(emailTokens)
    .set({ usedAt: sql`now()` })
    .where(and(eq(emailTokens.userId, userId), eq(emailTokens.purpose, purpose), isNull(emailTokens.usedAt)));
}

/**
 * A reset token for the live account with this email, if there is one, in one statement:
 * an unknown address costs the same single round trip as a known one.
 */
export async function issueResetTokenByEmail(
  db: Database,
  email: string,
): Promise<{ token: string; user: { id: string; email: string; username: string } } | undefined> {
  const token = randomToken();
  const tokenHash = await hashToken(token);
  const expiresAt = new Date(Date.now() + EMAIL_TOKEN_TTL_MS.reset).toISOString();
  const result = await db.execute<{ id: string; email: string; username: string }>(sql`
    with account as (
      select id, email, username from users where email = ${email} and deleted_at is null
    ), issued as (
      insert into ${emailTokens} (user_id, purpose, token_hash, email, expires_at)
      select id, 'reset', ${tokenHash}, email, ${expiresAt} from account
      returning user_id
    )
    select account.id, account.email, account.username from account join issued on issued.user_id = account.id
  `);
  const user = result.rows[0];
  return user ? { token, user } : undefined;
}
