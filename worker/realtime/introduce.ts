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
import { logRejections } from '../../durable-objects/shared/log-failure';

/** What introducing newcomers needs from the database: read first, so the calls can go later. */
export interface IntroductionPlan {
  newcomers: string[];
  everyone: string[];
  lastSeen: Map<string, Date | null>;
  /** "blocker:blocked" among everyone. */
  blocks: Set<string>;
}

/** Two queries whatever the group's size; undefined when there is no one to introduce. */
export async function planIntroductions(db: Database, newcomers: string[], existing: string[]): Promise<IntroductionPlan | undefined> {
  const everyone = [...new Set([...newcomers, ...existing])];
  if (newcomers.length === 0 || everyone.length < 2) return undefined;
  const [rows, blocks] = await Promise.all([
    db.select({ id: users.id, lastSeenAt: users.lastSeenAt }).from(users).where(inArray(users.id, everyone)),
    blocksAmong(db, everyone),
  ]);
  return { newcomers, everyone, lastSeen: new Map(rows.map((r) => [r.id, r.lastSeenAt])), blocks };
}

/**
 * One call per online inbox, whatever the group's size: a group of 256
 * introduces 65,280 pairs, which must not be 65,280 calls.
 */
export async function sendIntroductions(
  env: Env,
  plan: IntroductionPlan,
  /** Online states already known (the inboxes that were just told of the room answered it). */
  known: ReadonlyMap<string, boolean> = new Map(),
): Promise<void> {
  const { newcomers, everyone, lastSeen, blocks } = plan;
  const inbox = (userId: string) => env.INBOXES.get(env.INBOXES.idFromName(userId));
  const online = await Promise.all(everyone.map((id) => known.get(id) ?? inbox(id).isOnline().catch(() => false)));
  const isOnline = new Map(everyone.map((id, i) => [id, online[i]!]));
  const presence = new Map(
    everyone.map((id) => [id, { userId: id, online: isOnline.get(id)!, lastSeenAt: isOnline.get(id) ? null : (lastSeen.get(id)?.toISOString() ?? null) }]),
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
  // Only an online inbox has a socket to tell; an offline one reads its contacts when it connects.
  const results = await Promise.allSettled(
    [...learns].filter(([to]) => isOnline.get(to)).map(([to, about]) => inbox(to).contactsPresence([...about.values()])),
  );
  logRejections('contact introduction failed', results, { people: learns.size });
}

export async function introduceContacts(env: Env, db: Database, newcomers: string[], existing: string[]): Promise<void> {
  const plan = await planIntroductions(db, newcomers, existing);
  if (plan) await sendIntroductions(env, plan);
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
