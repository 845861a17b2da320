/**
 * Privacy settings (durable-objects/shared/privacy.ts) and the "contacts" they refer to:
 * two people are contacts when both have written in their direct chat (ordinary or secret)
 * and neither blocks the other. Read by the Worker (settings, group adds), rooms (with their members) and
 * inboxes (with their contacts); never on a room's frame path.
 */
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../connection';
import { messages, privacySettings, roomMembers, rooms, userBlocks, users } from '../schema';
import { DEFAULT_PRIVACY, admits, presenceShared, type Audience, type MemberPrivacy, type PrivacySettings } from '../../durable-objects/shared/privacy';

type Reader = Pick<Database, 'select' | 'execute'>;

export async function readPrivacy(db: Reader, userId: string): Promise<PrivacySettings> {
  const [row] = await db
    .select({ lastSeen: privacySettings.lastSeen, readReceipts: privacySettings.readReceipts, groupAdd: privacySettings.groupAdd })
    .from(privacySettings)
    .where(eq(privacySettings.userId, userId));
  return row ?? DEFAULT_PRIVACY;
}

export async function writePrivacy(db: Database, userId: string, settings: PrivacySettings): Promise<void> {
  await db
    .insert(privacySettings)
    .values({ userId, ...settings })
    .onConflictDoUpdate({ target: privacySettings.userId, set: { ...settings, updatedAt: sql`now()` } });
}

/** True when the users `x` and `y` (SQL expressions) are contacts: both wrote in their direct chat, no block either way. */
function contactsSql(x: SQL, y: SQL): SQL {
  // Their ordinary or their secret chat (keyed "secret:<pair>"), as contactsOf counts both.
  const pairKey = sql`(least(${x}, ${y})::text || ':' || greatest(${x}, ${y})::text)`;
  return sql`(exists (
      select 1 from ${rooms} d
      where d.kind = 'direct' and d.direct_key in (${pairKey}, 'secret:' || ${pairKey})
        and exists (select 1 from ${messages} m where m.room_id = d.id and m.sender_id = ${x})
        and exists (select 1 from ${messages} m where m.room_id = d.id and m.sender_id = ${y}))
    and not exists (select 1 from ${userBlocks} b
      where (b.blocker_id = ${x} and b.blocked_id = ${y}) or (b.blocker_id = ${y} and b.blocked_id = ${x})))`;
}

/**
 * What a room needs to apply its members' privacy from memory: each member's settings
 * (defaults for those who never changed them) and the pairs of members who are contacts,
 * looked up only for pairs where one of the two limits their presence to contacts.
 */
export async function memberPrivacyIn(db: Reader, roomId: string): Promise<{ settings: [string, MemberPrivacy][]; contacts: [string, string][] }> {
  const [settings, pairs] = await Promise.all([
    db
      .select({ userId: roomMembers.userId, lastSeen: privacySettings.lastSeen, readReceipts: privacySettings.readReceipts })
      .from(roomMembers)
      .leftJoin(privacySettings, eq(privacySettings.userId, roomMembers.userId))
      .where(eq(roomMembers.roomId, roomId)),
    db.execute<{ a: string; b: string }>(sql`
      select g1.user_id as a, g2.user_id as b
      from ${roomMembers} g1
      join ${roomMembers} g2 on g2.room_id = g1.room_id and g2.user_id > g1.user_id
      where g1.room_id = ${roomId}
        and exists (select 1 from ${privacySettings} p where p.user_id in (g1.user_id, g2.user_id) and p.last_seen = 'contacts')
        and ${contactsSql(sql`g1.user_id`, sql`g2.user_id`)}
    `),
  ]);
  return {
    settings: settings.map((s) => [s.userId, { lastSeen: s.lastSeen ?? DEFAULT_PRIVACY.lastSeen, readReceipts: s.readReceipts ?? DEFAULT_PRIVACY.readReceipts }]),
    contacts: pairs.rows.map((r) => [r.a, r.b]),
  };
}

/** Which of `others` share presence with `userId` under both people's settings (one query). */
export async function presenceSharedWith(db: Reader, userId: string, others: string[]): Promise<Set<string>> {
  if (others.length === 0) return new Set();
  const mine = (await readPrivacy(db, userId)).lastSeen;
  if (mine === 'nobody') return new Set();
  const contact = contactsSql(sql`${userId}::uuid`, sql`${users.id}`);
  const needsContact = mine === 'contacts' ? sql`true` : sql`${privacySettings.lastSeen} = 'contacts'`;
  const rows = await db.execute<{ id: string; last_seen: Audience | null; contact: boolean }>(sql`
    select ${users.id} as id, ${privacySettings.lastSeen} as last_seen,
      case when ${needsContact} then ${contact} else false end as contact
    from ${users} left join ${privacySettings} on ${privacySettings.userId} = ${users.id}
    where ${inArray(users.id, others)}
  `);
  return new Set(rows.rows.filter((r) => presenceShared(mine, r.last_seen ?? 'everyone', r.contact)).map((r) => r.id));
}

/** Which of `people` refuse being added to a group by `adderId` (their "who can add me" setting). */
export async function groupAddRefusals(db: Reader, adderId: string, people: string[]): Promise<Set<string>> {
  if (people.length === 0) return new Set();
  const rows = await db.execute<{ id: string; group_add: Audience; contact: boolean }>(sql`
    select ${privacySettings.userId} as id, ${privacySettings.groupAdd} as group_add,
      case when ${privacySettings.groupAdd} = 'contacts' then ${contactsSql(sql`${adderId}::uuid`, sql`${privacySettings.userId}`)} else false end as contact
    from ${privacySettings}
    where ${inArray(privacySettings.userId, people)} and ${privacySettings.groupAdd} <> 'everyone'
  `);
  return new Set(rows.rows.filter((r) => !admits(r.group_add, r.contact)).map((r) => r.id));
}

/**
 * Members as `viewerId` may see them over REST: another member's read cursor is 0 unless
 * both have read receipts on (the rule the room applies to `read` frames). One query.
 */
export async function hideReadCursors<M extends { userId: string; lastReadSeq: number }>(db: Reader, viewerId: string, members: M[]): Promise<M[]> {
  if (members.length === 0) return members;
  const ids = [...new Set([viewerId, ...members.map((m) => m.userId)])];
  const off = await db
    .select({ userId: privacySettings.userId })
    .from(privacySettings)
    .where(and(inArray(privacySettings.userId, ids), eq(privacySettings.readReceipts, false)));
  if (off.length === 0) return members;
  const hidden = new Set(off.map((r) => r.userId));
  return members.map((m) => (m.userId !== viewerId && (hidden.has(viewerId) || hidden.has(m.userId)) ? { ...m, lastReadSeq: 0 } : m));
}
