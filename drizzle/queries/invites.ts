/** Group invite links and the origins allowed to embed a room. */
import { and, desc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { roomEmbedOrigins, roomInvites, rooms } from '../schema';

export async function createInvite(db: Database, roomId: string, createdBy: string, tokenHash: string, expiresAt: Date | null) {
  const [row] = await db.insert(roomInvites).values({ roomId, createdBy, tokenHash, expiresAt }).returning();
  return row!;
}

export async function listInvites(db: Database, roomId: string) {
  return db.select().from(roomInvites).where(eq(roomInvites.roomId, roomId)).orderBy(desc(roomInvites.createdAt));
}

export async function revokeInvite(db: Database, roomId: string, inviteId: string): Promise<boolean> {
  const rows = await db
    .update(roomInvites)
    .set({ revokedAt: new Date() })
    .where(and(eq(roomInvites.id, inviteId), eq(roomInvites.roomId, roomId), isNull(roomInvites.revokedAt)))
    .returning({ id: roomInvites.id });
  return rows.length > 0;
}

/** The group an unrevoked, unexpired invite leads to. */
export async function findUsableInvite(db: Database, tokenHash: string) {
  const [row] = await db
    .select({ inviteId: roomInvites.id, roomId: rooms.id, name: rooms.name })
    .from(roomInvites)
    .innerJoin(rooms, eq(rooms.id, roomInvites.roomId))
    .where(
      and(
        eq(roomInvites.tokenHash, tokenHash),
        isNull(roomInvites.revokedAt),
        or(isNull(roomInvites.expiresAt), gt(roomInvites.expiresAt, new Date())),
      ),
    )
    .limit(1);
  return row;
}

export async function countInviteUse(db: Database, inviteId: string): Promise<void> {
  await db
    .update(roomInvites)
    .set({ uses: sql`${roomInvites.uses} + 1` })
    .where(eq(roomInvites.id, inviteId));
}

export async function embedOriginsOf(db: Database, roomId: string): Promise<string[]> {
  const rows = await db.select({ origin: roomEmbedOrigins.origin }).from(roomEmbedOrigins).where(eq(roomEmbedOrigins.roomId, roomId));
  return rows.map((r) => r.origin).sort();
}

export async function replaceEmbedOrigins(db: Database, roomId: string, origins: string[]): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(roomEmbedOrigins).where(eq(roomEmbedOrigins.roomId, roomId));
    if (origins.length > 0) await tx.insert(roomEmbedOrigins).values(origins.map((origin) => ({ roomId, origin })));
  });
}

/** A group's name when its admins let it be embedded on some site (it has an embed origin). */
export async function embeddableGroupName(db: Database, roomId: string): Promise<{ name: string | null } | undefined> {
  const [row] = await db
    .select({ name: rooms.name })
    .from(rooms)
    .where(
      and(
        eq(rooms.id, roomId),
        eq(rooms.kind, 'group'),
        sql`exists (select 1 from ${roomEmbedOrigins} where ${roomEmbedOrigins.roomId} = ${rooms.id})`,
      ),
    )
    .limit(1);
  return row;
}
