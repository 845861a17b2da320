/** Group rooms: creation and membership changes. Authorization is the caller's job. */
import { and, asc, count, eq, inArray, ne } from 'drizzle-orm';
import type { Database } from '../connection';
import { roomMembers, rooms, users } from '../schema';

export type Role = 'admin' | 'member';

export async function createGroup(db: Database, name: string, creatorId: string, memberIds: string[]): Promise<string> {
  const [room] = await db.insert(rooms).values({ kind: 'group', name, createdBy: creatorId }).returning({ id: rooms.id });
  const roomId = room!.id;
  const others = [...new Set(memberIds)].filter((id) => id !== creatorId);
  await db.insert(roomMembers).values([
    { roomId, userId: creatorId, role: 'admin' as const },
    ...others.map((userId) => ({ roomId, userId, role: 'member' as const })),
  ]);
  return roomId;
}

export async function renameGroup(db: Database, roomId: string, name: string): Promise<void> {
  await db.update(rooms).set({ name }).where(and(eq(rooms.id, roomId), eq(rooms.kind, 'group')));
}

/** True when the user was added, false when already a member. */
export async function addMember(db: Database, roomId: string, userId: string): Promise<boolean> {
  const inserted = await db
    .insert(roomMembers)
    .values({ roomId, userId, role: 'member' })
    .onConflictDoNothing()
    .returning({ userId: roomMembers.userId });
  return inserted.length > 0;
}

export async function removeMember(db: Database, roomId: string, userId: string): Promise<boolean> {
  const removed = await db
    .delete(roomMembers)
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)))
    .returning({ userId: roomMembers.userId });
  return removed.length > 0;
}

export async function setRole(db: Database, roomId: string, userId: string, role: Role): Promise<boolean> {
  const updated = await db
    .update(roomMembers)
    .set({ role })
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)))
    .returning({ userId: roomMembers.userId });
  return updated.length > 0;
}

export async function countMembers(db: Database, roomId: string, role?: Role): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(roomMembers)
    .where(role ? and(eq(roomMembers.roomId, roomId), eq(roomMembers.role, role)) : eq(roomMembers.roomId, roomId));
  return row?.n ?? 0;
}

/** When the last admin leaves, the longest-standing member takes over: a group is never left unmanaged. */
export async function promoteSuccessor(db: Database, roomId: string, leavingUserId: string): Promise<string | undefined> {
  const [next] = await db
    .select({ userId: roomMembers.userId })
    .from(roomMembers)
    .where(and(eq(roomMembers.roomId, roomId), ne(roomMembers.userId, leavingUserId)))
    .orderBy(asc(roomMembers.joinedAt))
    .limit(1);
  if (!next) return undefined;
  await setRole(db, roomId, next.userId, 'admin');
  return next.userId;
}

export async function findUsersByUsernames(db: Database, usernames: string[]) {
  if (usernames.length === 0) return [];
  return db
    .select({ id: users.id, username: users.username, displayName: users.displayName })
    .from(users)
    .where(inArray(users.username, usernames));
}
