/**
 * WebAuthn challenges, each good for one ceremony within 5 minutes: stored when the options
 * are handed out, deleted when a response names them (whatever the outcome), so a captured
 * response can never be played again.
 */
import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Database } from '../../drizzle/connection';
import { webauthnChallenges } from '../../drizzle/schema';

export const CHALLENGE_TTL_MS = 5 * 60_000;
type Purpose = 'register' | 'sign-in';

export async function storeChallenge(db: Database, challenge: string, purpose: Purpose, userId: string | null): Promise<void> {
  // Old ones go first: nothing accumulates from options asked for and never used.
  await db.delete(webauthnChallenges).where(lt(webauthnChallenges.expiresAt, sql`now()`));
  await db.insert(webauthnChallenges).values({ challenge, purpose, userId, expiresAt: new Date(Date.now() + CHALLENGE_TTL_MS) });
}

/** Takes the challenge out; true only if it was live and issued for this purpose (and user). */
export async function takeChallenge(db: Database, challenge: string, purpose: Purpose, userId: string | null): Promise<boolean> {
  const rows = await db
    .delete(webauthnChallenges)
    .where(
      and(
        eq(webauthnChallenges.challenge, challenge),
        eq(webauthnChallenges.purpose, purpose),
        userId ? eq(webauthnChallenges.userId, userId) : isNull(webauthnChallenges.userId),
        gt(webauthnChallenges.expiresAt, sql`now()`),
      ),
    )
    .returning({ challenge: webauthnChallenges.challenge });
  return rows.length > 0;
}

/** The challenge a response answers, read from its clientDataJSON (verified against the stored one afterwards). */
export function challengeOf(clientDataJSON: string): string | undefined {
  try {
    const json = atob(clientDataJSON.replace(/-/g, '+').replace(/_/g, '/'));
    const challenge = (JSON.parse(json) as { challenge?: unknown }).challenge;
    return typeof challenge === 'string' && challenge.length <= 128 ? challenge : undefined;
  } catch {
    return undefined;
  }
}
