/** Tells the room object and the affected inboxes that a group's membership or name changed. */
import type { Context } from 'hono';
import type { RoomMemberView } from '../../drizzle/queries/rooms';
import type { MembershipDelta, Role } from '../../durable-objects/room/local-state';
import { personToken } from '../../durable-objects/protocol';
import type { AppEnv } from '../app-env';
import type { Env } from '../env';
import { planIntroductions, sendIntroductions, type IntroductionPlan } from '../realtime/introduce';
import { logRejections } from '../../durable-objects/shared/log-failure';

export interface MembershipChange {
  added?: string[];
  removed?: string[];
  /** Roles changed with it: the target of a role change, a successor promoted when the last admin left. */
  roles?: { userId: string; role: Role }[];
  renamed?: boolean;
  /** A line for the room's timeline, e.g. "<@id|alice> added <@id|bob>" (protocol.ts personToken). */
  notice?: string;
  /** A group just created: its room object has nothing to update and loads its members on first use. */
  created?: boolean;
}

/**
 * `members` is the list after the change (listMembers): the room gets the added
 * members' entries with the call, so it applies the change without a database
 * round trip of its own, in the same step as the line.
 */
export async function announceMembershipChange(
  c: Context<AppEnv>,
  roomId: string,
  name: string | null,
  members: RoomMemberView[],
  change: MembershipChange,
): Promise<void> {
  const { env } = c;
  if (!change.created) {
    const added = new Set(change.added);
    const delta: MembershipDelta = {
      added: members.filter((m) => added.has(m.userId)),
      removed: change.removed ?? [],
      roles: change.roles ?? [],
    };
    // Awaited: when the response arrives, the line is posted and removed members' sockets are closed.
    await env.ROOMS.get(env.ROOMS.idFromName(roomId)).membersChanged(roomId, name, change.notice ?? null, delta);
  }
  // The database part of introducing newcomers first, then one call per inbox, all at once.
  // Awaited: when the response arrives, every inbox concerned has been told.
  const newcomers = new Set(change.added);
  const introductions = change.added?.length
    ? await planIntroductions(c.var.db(), change.added, members.map((m) => m.userId).filter((id) => !newcomers.has(id)))
    : undefined;
  await tellInboxes(env, roomId, members, change, introductions);
}

async function tellInboxes(
  env: Env,
  roomId: string,
  members: RoomMemberView[],
  change: MembershipChange,
  introductions: IntroductionPlan | undefined,
): Promise<void> {
  const inbox = (userId: string) => env.INBOXES.get(env.INBOXES.idFromName(userId));
  // A newcomer's inbox answers whether they are online, which their introduction to the
  // group's other people needs: no second round of calls to ask.
  const addedOnline = new Map<string, boolean>();
  const updates: Promise<unknown>[] = [
    ...(change.added ?? []).map((id) =>
      inbox(id)
        .roomsChanged(roomId, 'added')
        .then((online) => void addedOnline.set(id, online)),
    ),
    ...(change.removed ?? []).map((id) => inbox(id).roomsChanged(roomId, 'removed')),
  ];
  if (change.renamed) updates.push(...members.map((m) => inbox(m.userId).roomsChanged(roomId, 'updated')));
  const results = await Promise.allSettled(updates);
  if (introductions) results.push(...(await Promise.allSettled([sendIntroductions(env, introductions, addedOnline)])));
  logRejections('inbox update failed', results, { room: roomId });
}

/** The person making this request, as a system line names them. */
export function actorToken(c: Context<AppEnv>): string {
  return personToken(c.var.user.userId, c.var.user.username);
}
