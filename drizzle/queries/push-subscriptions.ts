/** Web Push subscriptions (one per device and login session) and who should get a push. */
import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { pushSubscriptions, roomMembers, rooms, sessions, users } from '../schema';

export interface NewPushSubscription {
  userId: string;
  sessionId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  privatePreviews: boolean;
}

/**
 * Stores this session's subscription. The session keeps one (a new one replaces it), and an
 * endpoint belongs to one session: the same browser signed in again takes it over.
 */
export async function saveSubscription(db: Database, sub: NewPushSubscription): Promise<void> {
  await db.delete(pushSubscriptions).where(and(eq(pushSubscriptions.sessionId, sub.sessionId), ne(pushSubscriptions.endpoint, sub.endpoint)));
  await db
    .insert(pushSubscriptions)
    .values(sub)
    .onConflictDoUpdate({
      target: pushSubscriptions.endpoint,
      set: {
        userId: sub.userId,
        sessionId: sub.sessionId,
        p256dh: sub.p256dh,
        auth: sub.auth,
        privatePreviews: sub.privatePreviews,
        failures: 0,
      },
    });
}

/** Sign-out, a revoked session, an unsubscribed browser. Returns how many were removed. */
export async function deleteSessionSubscription(db: Database, sessionId: string): Promise<number> {
  const rows = await db.delete(pushSubscriptions).where(eq(pushSubscriptions.sessionId, sessionId)).returning({ id: pushSubscriptions.id });
  return rows.length;
}

/** Several sessions ended at once (a password change signs the others out). */
export async function deleteSessionsSubscriptions(db: Database, sessionIds: string[]): Promise<void> {
  if (sessionIds.length) await db.delete(pushSubscriptions).where(inArray(pushSubscriptions.sessionId, sessionIds));
}

export async function sessionSubscription(db: Database, sessionId: string) {
  const [row] = await db
    .select({ endpoint: pushSubscriptions.endpoint, privatePreviews: pushSubscriptions.privatePreviews })
    .from(pushSubscriptions)
    .where(eq(pushSubscriptions.sessionId, sessionId));
  return row;
}

export interface PushDevice {
  id: string;
  sessionId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  privatePreviews: boolean;
  failures: number;
  lastSuccessAt: string | null;
}

export interface PushAudience {
  username: string;
  /** The room is muted for the user now. */
  muted: boolean;
  /** Display name of the sender (or caller); null when unknown. */
  senderName: string | null;
  /** The group's name; null for a direct chat. */
  groupName: string | null;
  devices: PushDevice[];
}

/**
 * In one query: whether `userId` is a member of the room, whether it is muted for them, the
 * names a notification shows, and their devices with a push subscription on a live session.
 * Undefined when the user is not (or no longer) a member.
 */
export async function pushAudience(db: Database, userId: string, roomId: string, senderId: string | null): Promise<PushAudience | undefined> {
  const [row] = await db
    .select({
      username: users.username,
      muted: sql<boolean>`coalesce(${roomMembers.mutedUntil} > now(), false)`,
      kind: rooms.kind,
      roomName: rooms.name,
      senderName: sql<string | null>`(select s.display_name from ${users} s where s.id = ${senderId})`,
      devices: sql<PushDevice[]>`coalesce((
        select json_agg(json_build_object('id', p.id, 'sessionId', p.session_id, 'endpoint', p.endpoint,
          'p256dh', p.p256dh, 'auth', p.auth, 'privatePreviews', p.private_previews,
          'failures', p.failures, 'lastSuccessAt', p.last_success_at))
        from ${pushSubscriptions} p join ${sessions} s on s.id = p.session_id
        where p.user_id = ${userId} and s.revoked_at is null and s.expires_at > now()), '[]'::json)`,
    })
    .from(roomMembers)
    .innerJoin(users, eq(users.id, roomMembers.userId))
    .innerJoin(rooms, eq(rooms.id, roomMembers.roomId))
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId), isNull(users.deletedAt)));
  if (!row) return undefined;
  return {
    username: row.username,
    muted: row.muted,
    senderName: row.senderName,
    groupName: row.kind === 'group' ? (row.roomName ?? 'a group') : null,
    devices: row.devices,
  };
}

/** The push service forgot the subscription (404/410): it will never deliver again. */
export async function deleteSubscription(db: Database, id: string): Promise<void> {
  await db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, id));
}

/** A success is written only when it changes something worth knowing: after failures, or once a day. */
export function deliveryWorthRecording(device: PushDevice, ok: boolean, now = Date.now()): boolean {
  if (!ok || device.failures > 0) return true;
  return !device.lastSuccessAt || now - Date.parse(device.lastSuccessAt) > 86_400_000;
}

export async function recordDelivery(db: Database, id: string, ok: boolean): Promise<void> {
  await db
    .update(pushSubscriptions)
    .set(ok ? { lastSuccessAt: new Date(), failures: 0 } : { failures: sql`${pushSubscriptions.failures} + 1` })
    .where(eq(pushSubscriptions.id, id));
}
