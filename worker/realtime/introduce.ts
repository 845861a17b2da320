/**
 * When people start sharing a group, each becomes the other's contact: their
 * inboxes learn each other's presence now instead of at the next reconnect.
 * Pairs with a block between them are skipped (see contactsOf for the rule).
 */
import { inArray, sql } from 'drizzle-orm';
import type { Database } from '../../drizzle/connection';
import { blocksAmong } from '../../drizzle/queries/blocks';
import { messages, roomMembers, rooms, users } from '../../drizzle/schema';
import type { ContactPresence } from '../../durable-objects/protocol';
import type { Env } from '../env';

/**
 * A constant number of queries and one call per inbox, whatever the group's
 * size: a group of 256 introduces 65,280 pairs, which must not be 65,280 calls.
 */
export async function introduceContacts(
  env: Env,
  db: Database,
  newcomers: string[],
  existing: string[],
  /** Online states already known (the inboxes that were just told of the room answered it). */
  known: ReadonlyMap<string, boolean> = new Map(),
): Promise<void> {
  const everyone = [...new Set([...newcomers, ...existing])];
  if (newcomers.length === 0 || everyone.length < 2) return;
  const inbox = (userId: string) => env.INBOXES.get(env.INBOXES.idFromName(userId));
  // The database first, then the inboxes: hundreds of objects waking at once must not hold up its connection.
  const [rows, blocks] = await Promise.all([
    db.select({ id: users.id, lastSeenAt: users.lastSeenAt }).from(users).where(inArray(users.id, everyone)),
    blocksAmong(db, everyone),
  ]);
  const online = await Promise.all(everyone.map((id) => known.get(id) ?? inbox(id).isOnline().catch(() => false)));
  const lastSeen = new Map(rows.map((r) => [r.id, r.lastSeenAt]));
  const presence = new Map(
    everyone.map((id, i) => [id, { userId: id, online: online[i]!, lastSeenAt: online[i] ? null : (lastSeen.get(id)?.toISOString() ?? null) }]),
  );
  // Who learns whose presence: each newcomer and everyone else, both ways, once per pair.
  const learns = new Map<string, Map<string, ContactPresence>>();
  const tell = (to: string, about: string) => {
    let known = learns.get(to);
    if (!known) learns.set(to, (known = new Map()));
    known.set(about, presence.get(about)!);
  };
  for (const a of newcomers) {
    for (const b of everyone) {
      if (a === b || blocks.has(`${a}:${b}`) || blocks.has(`${b}:${a}`)) continue;
      tell(a, b);
      tell(b, a);
    }
  }
  // Only an online inbox has a socket to tell; an offline one reads contacts afresh when it connects.
  const isOnline = new Map(everyone.map((id, i) => [id, online[i]!]));
  const results = await Promise.allSettled(
    [...learns].filter(([to]) => isOnline.get(to)).map(([to, about]) => inbox(to).contactsPresence([...about.values()])),
  );
  for (const r of results) if (r.status === 'rejected') console.error('contact introduction failed', r.reason);
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
