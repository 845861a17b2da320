/**
 * When people start sharing a group, each becomes the other's contact: their
 * inboxes learn each other's presence now instead of at the next reconnect.
 * Pairs with a block between them are skipped (see contactsOf for the rule).
 */
import { inArray } from 'drizzle-orm';
import type { Database } from '../../drizzle/connection';
import { blockedEitherWay } from '../../drizzle/queries/blocks';
import { users } from '../../drizzle/schema';
import type { Env } from '../env';

export async function introduceContacts(env: Env, db: Database, newcomers: string[], existing: string[]): Promise<void> {
  const everyone = [...new Set([...newcomers, ...existing])];
  if (newcomers.length === 0 || everyone.length < 2) return;
  const inbox = (userId: string) => env.INBOXES.get(env.INBOXES.idFromName(userId));
  const [rows, online] = await Promise.all([
    db.select({ id: users.id, lastSeenAt: users.lastSeenAt }).from(users).where(inArray(users.id, everyone)),
    Promise.all(everyone.map((id) => inbox(id).isOnline().catch(() => false))),
  ]);
  const presence = new Map(
    everyone.map((id, i) => {
      const seen = rows.find((r) => r.id === id)?.lastSeenAt ?? null;
      return [id, { userId: id, online: online[i]!, lastSeenAt: online[i] ? null : (seen?.toISOString() ?? null) }];
    }),
  );
  const blocked = new Map(await Promise.all(newcomers.map(async (id) => [id, await blockedEitherWay(db, id, everyone)] as const)));
  const tell: Promise<void>[] = [];
  for (const a of newcomers) {
    for (const b of everyone) {
      if (a === b || blocked.get(a)!.has(b)) continue;
      tell.push(inbox(a).contactPresence(presence.get(b)!), inbox(b).contactPresence(presence.get(a)!));
    }
  }
  const results = await Promise.allSettled(tell);
  for (const r of results) if (r.status === 'rejected') console.error('contact introduction failed', r.reason);
}
