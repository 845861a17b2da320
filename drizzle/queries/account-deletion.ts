/**
 * Deleting an account. The user row is kept as a tombstone rather than deleted:
 * its messages, reactions, read cursors and call records keep their sender (shown
 * as "Deleted user"), and a room whose log still holds the person's messages
 * unflushed can write them to Postgres later without breaking a foreign key.
 * Everything that identifies or reaches the person goes: username, email, display
 * name, picture, password, second factors (TOTP, recovery codes, passkeys), mailed links,
 * sessions, blocks and admin roles. The username and
 * email are free to be registered again.
 */
import { and, eq, isNull, or } from 'drizzle-orm';
import type { Database } from '../connection';
import { emailTokens, passkeys, pushSubscriptions, recoveryCodes, sessions, userBlocks, users, webauthnChallenges } from '../schema';
import { stepDownEverywhere } from './membership';

/** How a deleted account is shown wherever its name would be. */
export const DELETED_USER_NAME = 'Deleted user';

export interface DeletedAccount {
  /** Sessions that were live: their sockets must be closed. */
  sessionIds: string[];
  /** The picture to delete from R2. */
  avatarId: string | null;
}

/** Tombstones `userId` in one transaction; undefined if there is no such (live) account. */
export async function deleteAccount(db: Database, userId: string): Promise<DeletedAccount | undefined> {
  return db.transaction(async (tx) => {
    const now = new Date();
    const [before] = await tx
      .select({ avatarId: users.avatarId })
      .from(users)
      .where(and(eq(users.id, userId), isNull(users.deletedAt)))
      .for('update');
    if (!before) return undefined;
    // The placeholders contain '-', which usernames may not: no one can register or look them up.
    await tx
      .update(users)
      .set({
        username: `deleted-${userId}`,
        email: `deleted-${userId}`,
        displayName: DELETED_USER_NAME,
        avatarId: null,
        // Not a bcrypt hash: no password ever matches it.
        passwordHash: '!',
        lastSeenAt: null,
        emailVerifiedAt: null,
        totpSecret: null,
        totpEnabledAt: null,
        totpLastStep: null,
        tokensValidAfter: now,
        deletedAt: now,
      })
      .where(eq(users.id, userId));
    const ended = await tx
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id });
    // Every way back in goes too: recovery codes, passkeys, mailed links, pending challenges.
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    await tx.delete(passkeys).where(eq(passkeys.userId, userId));
    await tx.delete(emailTokens).where(eq(emailTokens.userId, userId));
    await tx.delete(webauthnChallenges).where(eq(webauthnChallenges.userId, userId));
    await tx.delete(pushSubscriptions).where(eq(pushSubscriptions.userId, userId));
    await tx.delete(userBlocks).where(or(eq(userBlocks.blockerId, userId), eq(userBlocks.blockedId, userId)));
    await stepDownEverywhere(tx, userId);
    return { sessionIds: ended.map((s) => s.id), avatarId: before.avatarId };
  });
}
