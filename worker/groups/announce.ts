/** Tells the room object and the affected inboxes that a group's membership or name changed. */
import type { Context } from 'hono';
import { listMembers } from '../../drizzle/queries/rooms';
import { personToken } from '../../durable-objects/protocol';
import type { AppEnv } from '../app-env';
import { introduceContacts } from '../realtime/introduce';
import { logRejections } from '../../durable-objects/shared/log-failure';

export interface MembershipChange {
  added?: string[];
  removed?: string[];
  renamed?: boolean;
  /** A line for the room's timeline, e.g. "<@id|alice> added <@id|bob>" (protocol.ts personToken). */
  notice?: string;
}

export async function announceMembershipChange(
  c: Context<AppEnv>,
  roomId: string,
  name: string | null,
  change: MembershipChange,
): Promise<void> {
  const { env } = c;
  // Awaited: when the response arrives, removed members' sockets are already closed.
  await env.ROOMS.get(env.ROOMS.idFromName(roomId)).membersChanged(roomId, name, change.notice ?? null);
  const inbox = (userId: string) => env.INBOXES.get(env.INBOXES.idFromName(userId));
  const updates = [
    ...(change.added ?? []).map((id) => inbox(id).roomsChanged(roomId, 'added')),
    ...(change.removed ?? []).map((id) => inbox(id).roomsChanged(roomId, 'removed')),
  ];
  if (change.renamed) {
    const members = await listMembers(c.var.db(), roomId);
    updates.push(...members.map((m) => inbox(m.userId).roomsChanged(roomId, 'updated')));
  }
  if (change.added?.length) {
    const members = await listMembers(c.var.db(), roomId);
    const existing = members.map((m) => m.userId).filter((id) => !change.added!.includes(id));
    updates.push(introduceContacts(env, c.var.db(), change.added, existing));
  }
  const results = await Promise.allSettled(updates);
  logRejections('inbox update failed', results, { room: roomId });
}

/** The person making this request, as a system line names them. */
export function actorToken(c: Context<AppEnv>): string {
  return personToken(c.var.user.userId, c.var.user.username);
}
