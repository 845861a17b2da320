/** A user's TOTP enrolment in Postgres: the sealed secret, whether it is on, and the last step used. */
import { and, eq, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../../drizzle/connection';
import { recoveryCodes, users } from '../../drizzle/schema';
import type { Config } from '../../durable-objects/shared/env';
import { open, seal } from './secret-box';
import { matchingStep } from './totp';

export const sealFor = (config: Config, userId: string, secret: string) => seal(secret, userId, config.JWT_SECRET);

/** The user's TOTP secret in clear (re-sealed under the current key if an older one opened it). */
export async function openTotpSecret(db: Database, config: Config, userId: string, sealed: string): Promise<string> {
  const { plaintext, resealed } = await open(sealed, userId, [config.JWT_SECRET, config.JWT_SECRET_PREVIOUS]);
  if (resealed) await db.update(users).set({ totpSecret: await sealFor(config, userId, plaintext) }).where(eq(users.id, userId));
  return plaintext;
}

/**
 * Accepts `code` for this secret once: the step it matched must be later than the last
 * accepted one, and becomes the last (one statement, so two requests with one code cannot both pass).
 */
export async function acceptTotpCode(db: Database, userId: string, secret: string, code: string): Promise<boolean> {
  const step = matchingStep(secret, code);
  if (step === undefined) return false;
  const rows = await db
    .update(users)
    .set({ totpLastStep: step })
    .where(and(eq(users.id, userId), isNotNull(users.totpSecret), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
    .returning({ id: users.id });
  return rows.length > 0;
}

export async function turnTotpOff(db: Database, userId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(users).set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null }).where(eq(users.id, userId));
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  });
}

export async function turnTotpOn(db: Database, userId: string): Promise<void> {
  await db.update(users).set({ totpEnabledAt: sql`now()` }).where(eq(users.id, userId));
}

/** An enrolment in progress: the secret is stored, not yet in force (totp_enabled_at stays null). */
export async function storePendingSecret(db: Database, userId: string, sealed: string): Promise<void> {
  await db.update(users).set({ totpSecret: sealed, totpLastStep: null }).where(eq(users.id, userId));
}
