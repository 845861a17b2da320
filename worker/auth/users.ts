/** Live (not deleted) user rows and their public shape. */
import { and, eq, isNull, or } from 'drizzle-orm';
import type { Database } from '../../drizzle/connection';
import { users, type User } from '../../drizzle/schema';

export interface PublicUser {
  id: string;
  username: string;
  displayName: string;
  /** GET /api/avatars/:avatarId; null: initials. */
  avatarId: string | null;
  createdAt: string;
}

export function publicUser(user: Pick<User, 'id' | 'username' | 'displayName' | 'createdAt' | 'avatarId'>): PublicUser {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    avatarId: user.avatarId,
    createdAt: user.createdAt.toISOString(),
  };
}

export async function findUserByLogin(db: Database, login: string): Promise<User | undefined> {
  const [user] = await db
    .select()
    .from(users)
    .where(and(or(eq(users.username, login), eq(users.email, login)), isNull(users.deletedAt)))
    .limit(1);
  return user;
}

export async function findUserById(db: Database, id: string): Promise<User | undefined> {
  const [user] = await db.select().from(users).where(and(eq(users.id, id), isNull(users.deletedAt))).limit(1);
  return user;
}

export async function findUserByUsername(db: Database, username: string): Promise<User | undefined> {
  const [user] = await db.select().from(users).where(and(eq(users.username, username), isNull(users.deletedAt))).limit(1);
  return user;
}
