/** The secret-chat key directory (docs/e2e.md): devices' public keys and one-time prekeys. */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { e2eDevices, e2eOneTimePrekeys, roomMembers } from '../schema';

export interface PublishedDevice {
  identityKey: string;
  signingKey: string;
  signedPrekey: { id: number; publicKey: string; signature: string };
  oneTimePrekeys: { id: number; publicKey: string }[];
}

export interface ListedDevice {
  deviceId: string;
  userId: string;
  identityKey: string;
  signingKey: string;
  createdAt: string;
}

/** Most one-time prekeys a device may hold on the server at once. */
export const MAX_ONE_TIME_PREKEYS = 200;

export async function registerDevice(db: Database, userId: string, keys: PublishedDevice): Promise<string | undefined> {
  const [row] = await db
    .insert(e2eDevices)
    .values({
      userId,
      identityKey: keys.identityKey,
      signingKey: keys.signingKey,
      signedPrekeyId: keys.signedPrekey.id,
      signedPrekey: keys.signedPrekey.publicKey,
      signedPrekeySignature: keys.signedPrekey.signature,
    })
    .onConflictDoNothing({ target: e2eDevices.identityKey })
    .returning({ id: e2eDevices.id });
  if (!row) return undefined;
  await addOneTimePrekeys(db, row.id, keys.oneTimePrekeys);
  return row.id;
}

export async function addOneTimePrekeys(db: Database, deviceId: string, prekeys: PublishedDevice['oneTimePrekeys']): Promise<void> {
  if (prekeys.length === 0) return;
  await db
    .insert(e2eOneTimePrekeys)
    .values(prekeys.map((p) => ({ deviceId, keyId: p.id, publicKey: p.publicKey })))
    .onConflictDoNothing();
}

export async function countOneTimePrekeys(db: Database, deviceId: string): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(e2eOneTimePrekeys).where(eq(e2eOneTimePrekeys.deviceId, deviceId));
  return row?.n ?? 0;
}

export async function deviceOwner(db: Database, deviceId: string): Promise<string | undefined> {
  const [row] = await db.select({ userId: e2eDevices.userId }).from(e2eDevices).where(eq(e2eDevices.id, deviceId)).limit(1);
  return row?.userId;
}

export async function listDevices(db: Database, userId: string): Promise<ListedDevice[]> {
  const rows = await db
    .select({
      deviceId: e2eDevices.id,
      userId: e2eDevices.userId,
      identityKey: e2eDevices.identityKey,
      signingKey: e2eDevices.signingKey,
      createdAt: e2eDevices.createdAt,
    })
    .from(e2eDevices)
    .where(eq(e2eDevices.userId, userId))
    .orderBy(asc(e2eDevices.createdAt), asc(e2eDevices.id));
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}

export async function removeDevice(db: Database, userId: string, deviceId: string): Promise<boolean> {
  const removed = await db
    .delete(e2eDevices)
    .where(and(eq(e2eDevices.id, deviceId), eq(e2eDevices.userId, userId)))
    .returning({ id: e2eDevices.id });
  return removed.length > 0;
}

/**
 * A device's prekey bundle with one of its one-time prekeys, which is deleted as it is
 * handed out (SKIP LOCKED: two claims at once get two different keys). Without one left,
 * the bundle has none and X3DH runs on the signed prekey alone (as the spec allows).
 */
export async function claimBundle(db: Database, deviceId: string) {
  const [device] = await db.select().from(e2eDevices).where(eq(e2eDevices.id, deviceId)).limit(1);
  if (!device) return undefined;
  const claimed = await db.execute<{ key_id: number; public_key: string }>(sql`
    delete from ${e2eOneTimePrekeys}
    where (device_id, key_id) = (
      select device_id, key_id from ${e2eOneTimePrekeys}
      where device_id = ${deviceId}
      order by key_id
      limit 1
      for update skip locked
    )
    returning key_id, public_key`);
  const otk = claimed.rows[0];
  return {
    deviceId: device.id,
    userId: device.userId,
    identityKey: device.identityKey,
    signingKey: device.signingKey,
    signedPrekey: { id: device.signedPrekeyId, publicKey: device.signedPrekey, signature: device.signedPrekeySignature },
    ...(otk ? { oneTimePrekey: { id: Number(otk.key_id), publicKey: otk.public_key } } : {}),
  };
}

/** Whether two people share a room: only then may one read or claim the other's device keys. */
export async function shareARoom(db: Database, a: string, b: string): Promise<boolean> {
  if (a === b) return true;
  const [row] = await db
    .select({ one: sql<number>`1` })
    .from(roomMembers)
    .where(
      and(
        eq(roomMembers.userId, a),
        sql`exists (select 1 from ${roomMembers} other where other.room_id = ${roomMembers.roomId} and other.user_id = ${b})`,
      ),
    )
    .limit(1);
  return row !== undefined;
}
