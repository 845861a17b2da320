/**
 * When people start sharing a group, each becomes the other's contact: their
 * inboxes learn each other's presence now instead of at the next reconnect.
 * Pairs with a block between them are skipped (see contactsOf for the rule), and so are
 * pairs where either person limits who sees their last seen (privacy settings): whether
 * those two share presence is decided exactly when their inboxes next connect.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../../drizzle/connection';
import { blocksAmong } from '../../drizzle/queries/blocks';
import { messages, privacySettings, roomMembers, rooms, users } from '../../drizzle/schema';
import type { ContactPresence } from '../protocol';
import type { Env } from '../shared/env';
import { logRejections } from '../shared/log-failure';
import { FAN_OUT_AT_ONCE, settleBounded } from '../shared/bounded';
import { contactPresence } from './contact-presence';
import { onlineAmong } from './online-lookup';

/** What introducing newcomers needs from the database: read first, so the calls can go later. */
export interface IntroductionPlan {
  newcomers: string[];
  everyone: string[];
  lastSeen: Map<string, Date | null>;
  /** "blocker:blocked" among everyone. */
  blocks: Set<string>;
  /** People who show their last seen to fewer than everyone. */
  limited: Set<string>;
}

/** Two queries whatever the group's size; undefined when there is no one to introduce. */
export async function planIntroductions(db: Database, newcomers: string[], existing: string[]): Promise<IntroductionPlan | undefined> {
  const everyone = [...new Set([...newcomers, ...existing])];
  if (newcomers.length === 0 || everyone.length < 2) return undefined;
  const [rows, blocks] = await Promise.all([
    db
      .select({ id: users.id, lastSeenAt: users.lastSeenAt, privacy: privacySettings.lastSeen })
      .from(users)
      .leftJoin(privacySettings, eq(privacySettings.userId, users.id))
      .where(inArray(users.id, everyone)),
    blocksAmong(db, everyone),
  ]);
  const limited = new Set(rows.filter((r) => r.privacy && r.privacy !== 'everyone').map((r) => r.id));
  return { newcomers, everyone, lastSeen: new Map(rows.map((r) => [r.id, r.lastSeenAt])), blocks, limited };
}

/**
 * One call per online inbox, whatever the group's size: a group of 256
 * introduces 65,280 pairs, which must not be 65,280 calls. An offline inbox is
 * not called: it reads its contacts' presence when it next connects.
 */
export async function sendIntroductions(
  env: Env,
  plan: IntroductionPlan,
  /** Who is online, when the caller already asked the directory (it must cover `everyone`). */
  known?: ReadonlySet<string>,
): Promise<void> {
  const { newcomers, everyone, lastSeen, blocks, limited } = plan;
  const online = known ?? (await onlineAmong(env.ONLINE_DIRECTORY, everyone));
  const presence = new Map(everyone.map((id) => [id, contactPresence(id, online.has(id), lastSeen.get(id))]));
  // Who learns whose presence: each newcomer and everyone else, both ways, once per pair;
  // only the online learn anything now.
  const learns = new Map<string, Map<string, ContactPresence>>();
  const tell = (to: string, about: string) => {
    if (!online.has(to)) return;
    let known = learns.get(to);
    if (!known) learns.set(to, (known = new Map()));
    known.set(about, presence.get(about)!);
  };
  for (const a of newcomers) {
    for (const b of everyone) {
      if (a === b || blocks.has(`${a}:${b}`) || blocks.has(`${b}:${a}`) || limited.has(a) || limited.has(b)) continue;
      tell(a, b);
      tell(b, a);
    }
  }
  const inbox = (userId: string) => env.INBOXES.get(env.INBOXES.idFromName(userId));
  const results = await settleBounded([...learns], FAN_OUT_AT_ONCE, ([to, about]) => inbox(to).contactsPresence([...about.values()]));
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
 * Returns the other person when the two have just become contacts (the room's privacy needs it).
 */
export async function introduceAfterFirstExchange(env: Env, db: Database, roomId: string, senderId: string): Promise<string | undefined> {
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
  return other;
}
