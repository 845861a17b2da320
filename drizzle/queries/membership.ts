/**
 * Group membership changes that must keep the group's invariants under
 * concurrency: a group with members always has an admin, never more than
 * its size limit, and people an admin removed stay out unless an admin adds
 * them back. Each change is one transaction that first locks the group's
 * `rooms` row (`for update`): changes to one group run one after another, and
 * each sees the result of the previous one (two admins leaving at once cannot
 * both count "another admin is still here").
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { formerMembers, roomBans, roomMembers, rooms, users } from '../schema';

export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
export type Role = 'admin' | 'member';

interface LockedMember {
  userId: string;
  role: Role;
  /** A deleted account stays a member (its messages keep their sender) but counts for nothing. */
  deleted: boolean;
}

/** Locks the group and returns its members, longest-standing first. */
async function lockGroup(tx: Transaction, roomId: string): Promise<LockedMember[] | undefined> {
  const locked = await tx.execute(sql`select id from ${rooms} where id = ${roomId} and kind = 'group' for update`);
  if (locked.rows.length === 0) return undefined;
  return tx
    .select({ userId: roomMembers.userId, role: roomMembers.role, deleted: sql<boolean>`${users.deletedAt} is not null` })
    .from(roomMembers)
    .innerJoin(users, eq(users.id, roomMembers.userId))
    .where(eq(roomMembers.roomId, roomId))
    .orderBy(asc(roomMembers.joinedAt), asc(roomMembers.userId));
}

/** After a change: if people remain and none is an admin, the longest-standing one becomes admin. */
async function keepAnAdmin(tx: Transaction, roomId: string, remaining: LockedMember[]): Promise<string | undefined> {
  const people = remaining.filter((m) => !m.deleted);
  if (people.length === 0 || people.some((m) => m.role === 'admin')) return undefined;
  const successor = people[0]!.userId;
  await tx
    .update(roomMembers)
    .set({ role: 'admin' })
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, successor)));
  return successor;
}

/**
 * Inside a leave or a removal: the person keeps the chat in their list, read-only (see
 * formerMembers); its history limit is set once the room has posted the line (setFormerUntil).
 */
async function keepAsFormer(tx: Transaction, roomId: string, userId: string, reason: 'left' | 'removed'): Promise<void> {
  await tx
    .insert(formerMembers)
    .values({ roomId, userId, reason })
    .onConflictDoUpdate({ target: [formerMembers.roomId, formerMembers.userId], set: { reason, untilSeq: null, leftAt: sql`now()` } });
}

export type LeaveResult = { ok: true; promoted?: string } | { ok: false; reason: 'not_a_member' };

/** The user leaves; if they were the last admin, the longest-standing member takes over. */
export async function leaveGroup(db: Database, roomId: string, userId: string): Promise<LeaveResult> {
  return db.transaction(async (tx) => {
    const members = await lockGroup(tx, roomId);
    if (!members?.some((m) => m.userId === userId)) return { ok: false, reason: 'not_a_member' };
    await tx.delete(roomMembers).where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)));
    await keepAsFormer(tx, roomId, userId, 'left');
    const promoted = await keepAnAdmin(tx, roomId, members.filter((m) => m.userId !== userId));
    return { ok: true, promoted };
  });
}

export type AdminChangeResult =
  | { ok: true; promoted?: string }
  | { ok: false; reason: 'not_an_admin' | 'not_a_member' | 'last_admin' };

/**
 * An admin removes someone. The removal is also a ban: invite links no longer
 * let them back in (an admin may still add them again).
 */
export async function removeFromGroup(db: Database, roomId: string, adminId: string, userId: string): Promise<AdminChangeResult> {
  return db.transaction(async (tx) => {
    const members = await lockGroup(tx, roomId);
    if (!members) return { ok: false, reason: 'not_a_member' };
    if (members.find((m) => m.userId === adminId)?.role !== 'admin') return { ok: false, reason: 'not_an_admin' };
    if (!members.some((m) => m.userId === userId)) return { ok: false, reason: 'not_a_member' };
    await tx.delete(roomMembers).where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)));
    await tx.insert(roomBans).values({ roomId, userId, bannedBy: adminId }).onConflictDoNothing();
    await keepAsFormer(tx, roomId, userId, 'removed');
    const promoted = await keepAnAdmin(tx, roomId, members.filter((m) => m.userId !== userId));
    return { ok: true, promoted };
  });
}

/** An admin changes someone's role; the last admin cannot be demoted. */
export async function changeRole(db: Database, roomId: string, adminId: string, userId: string, role: Role): Promise<AdminChangeResult> {
  return db.transaction(async (tx) => {
    const members = await lockGroup(tx, roomId);
    if (!members) return { ok: false, reason: 'not_a_member' };
    if (members.find((m) => m.userId === adminId)?.role !== 'admin') return { ok: false, reason: 'not_an_admin' };
    const target = members.find((m) => m.userId === userId);
    if (!target) return { ok: false, reason: 'not_a_member' };
    const admins = members.filter((m) => m.role === 'admin').length;
    if (target.role === 'admin' && role === 'member' && admins <= 1) return { ok: false, reason: 'last_admin' };
    await tx
      .update(roomMembers)
      .set({ role })
      .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)));
    return { ok: true };
  });
}

export type JoinResult =
  | { ok: true; joined: string[] }
  | { ok: false; reason: 'full' | 'banned' | 'no_group' | 'not_an_admin' };

/**
 * Adds members, within the size limit, in one transaction whatever their number
 * (one insert for all). `via` says who lets them in: an admin (`adminId`, checked
 * under the lock; lifts bans) or an invite link (refused to people an admin
 * removed). `joined` leaves out those already members.
 */
export async function joinGroup(
  db: Database,
  roomId: string,
  userIds: string[],
  maxMembers: number,
  via: { adminId: string } | { invite: true },
): Promise<JoinResult> {
  return db.transaction(async (tx) => {
    const members = await lockGroup(tx, roomId);
    if (!members) return { ok: false, reason: 'no_group' };
    if ('adminId' in via && members.find((m) => m.userId === via.adminId)?.role !== 'admin') {
      return { ok: false, reason: 'not_an_admin' };
    }
    const present = new Set(members.map((m) => m.userId));
    const newcomers = [...new Set(userIds)].filter((id) => !present.has(id));
    if (newcomers.length === 0) return { ok: true, joined: [] };
    const theirBans = and(eq(roomBans.roomId, roomId), inArray(roomBans.userId, newcomers));
    if ('invite' in via) {
      const [ban] = await tx.select({ userId: roomBans.userId }).from(roomBans).where(theirBans).limit(1);
      if (ban) return { ok: false, reason: 'banned' };
    } else {
      await tx.delete(roomBans).where(theirBans);
    }
    if (members.filter((m) => !m.deleted).length + newcomers.length > maxMembers) return { ok: false, reason: 'full' };
    // A newcomer has read nothing new yet: the history before they joined is not "unread" to them
    // (nor, for someone removed and added back, what they missed while away).
    const lastSeq = sql<number>`(select last_seq from ${rooms} where id = ${roomId})`;
    // Back in: the read-only copy of the chat gives way to the chat itself.
    await tx.delete(formerMembers).where(and(eq(formerMembers.roomId, roomId), inArray(formerMembers.userId, newcomers)));
    await tx.insert(roomMembers).values(newcomers.map((userId) => ({ roomId, userId, role: 'member' as const, lastReadSeq: lastSeq })));
    return { ok: true, joined: newcomers };
  });
}

/**
 * Part of deleting an account, inside its transaction: the account stops being an
 * admin anywhere, and each group it leaves without an admin gets its
 * longest-standing person as one. Groups are locked one at a time in id order, as
 * every other membership change locks them, so this cannot deadlock with them.
 * Returns the groups whose roles changed.
 */
export async function stepDownEverywhere(tx: Transaction, userId: string): Promise<string[]> {
  const adminOf = await tx
    .select({ roomId: roomMembers.roomId })
    .from(roomMembers)
    .innerJoin(rooms, eq(rooms.id, roomMembers.roomId))
    .where(and(eq(roomMembers.userId, userId), eq(roomMembers.role, 'admin'), eq(rooms.kind, 'group')))
    .orderBy(asc(roomMembers.roomId));
  for (const { roomId } of adminOf) {
    const members = await lockGroup(tx, roomId);
    if (!members) continue;
    await tx
      .update(roomMembers)
      .set({ role: 'member' })
      .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)));
    await keepAnAdmin(tx, roomId, members.filter((m) => m.userId !== userId));
  }
  return adminOf.map((r) => r.roomId);
}
