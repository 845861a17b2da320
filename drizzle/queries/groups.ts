/** Group rooms: creation, renaming, picture and description, and lookups. Membership changes are in membership.ts (under the group's lock). */
import { and, count, eq, inArray, isNull } from 'drizzle-orm';
import type { Database } from '../connection';
import { roomMembers, rooms, users } from '../schema';

export type { Role } from './membership';
import type { Role } from './membership';

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

/**
 * Sets a group's picture and/or description (null clears); `replacedAvatarId` is the picture
 * a new one replaced or a removal cleared, whose R2 object the caller deletes.
 */
export async function updateGroupProfile(db: Database, roomId: string, change: { avatarId?: string | null; description?: string | null }) {
  const group = and(eq(rooms.id, roomId), eq(rooms.kind, 'group'));
  const [before] = await db.select({ avatarId: rooms.avatarId }).from(rooms).where(group).limit(1);
  await db.update(rooms).set(change).where(group);
  return { replacedAvatarId: change.avatarId !== undefined ? (before?.avatarId ?? null) : null };
}

export async function countMembers(db: Database, roomId: string, role?: Role): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(roomMembers)
    .where(role ? and(eq(roomMembers.roomId, roomId), eq(roomMembers.role, role)) : eq(roomMembers.roomId, roomId));
  return row?.n ?? 0;
}

export async function findUsersByUsernames(db: Database, usernames: string[]) {
  if (usernames.length === 0) return [];
  return db
    .select({ id: users.id, username: users.username, displayName: users.displayName })
    .from(users)
    .where(and(inArray(users.username, usernames), isNull(users.deletedAt)));
}
