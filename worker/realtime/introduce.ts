/**
 * When people start sharing a group, each becomes the other's contact: their
 * inboxes learn each other's presence now instead of at the next reconnect.
 * Pairs with a block between them are skipped (see contactsOf for the rule).
 */
import { inArray, sql } from 'drizzle-orm';
import type { Database } from '../../drizzle/connection';
import { blockedEitherWay } from '../../drizzle/queries/blocks';
import { messages, roomMembers, rooms, users } from '../../drizzle/schema';
import type { Env } from '../env';
import { logRejections } from '../../durable-objects/shared/log-failure';

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
  logRejections('contact introduction failed', results);
}

/**
 * For the room object, once a sender's first message in a direct room is stored:
 * if the other person has written there too, the two have just become contacts
 * (see contactsOf), and their inboxes learn each other's presence now rather
 * than at their next reconnect. Cheap enough to call for every first message.
 */
export async function introduceAfterFirstExchange(env: Env, db: Database, roomId: string, senderId: string): Promise<void> {
  const rows = await db.execute<{ other_id: string }>(sql`
    select other.user_id as other_id
    from ${rooms} r
    join ${roomMembers} other on other.room_id = r.id and other.user_id <> ${senderId}
    where r.id = ${roomId} and r.kind = 'direct'
      and exists (select 1 from ${messages} m where m.room_id = r.id and m.sender_id = ${senderId})
      and exists (select 1 from ${messages} m where m.room_id = r.id and m.sender_id = other.user_id)
  `);
  const other = rows.rows[0]?.other_id;
  if (other) await introduceContacts(env, db, [senderId], [other]);
}
