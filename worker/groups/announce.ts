/** Tells the room object and the affected inboxes that a group's membership, name, picture or description changed. */
import type { Context } from 'hono';
import type { RoomMemberView } from '../../drizzle/queries/rooms';
import type { MembershipDelta, Role } from '../../durable-objects/room/local-state';
import { personToken } from '../../durable-objects/protocol';
import type { AppEnv } from '../app-env';
import type { Env } from '../../durable-objects/shared/env';
import { planIntroductions, sendIntroductions, type IntroductionPlan } from '../../durable-objects/presence/introduce';
import { logFailure, logRejections } from '../../durable-objects/shared/log-failure';
import { FAN_OUT_AT_ONCE, settleBounded } from '../../durable-objects/shared/bounded';
import { onlineAmong } from '../../durable-objects/presence/online-lookup';
import { setFormerUntil } from '../../drizzle/queries/former-members';

export interface MembershipChange {
  added?: string[];
  removed?: string[];
  /** Roles changed with it: the target of a role change, a successor promoted when the last admin left. */
  roles?: { userId: string; role: Role }[];
  /** The group's name, picture or description changed: every member's list reloads it. */
  updated?: boolean;
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
    const lineSeq = await env.ROOMS.get(env.ROOMS.idFromName(roomId)).membersChanged(roomId, name, change.notice ?? null, delta);
    if (change.removed?.length) await keepHistoryUntil(c, roomId, change.removed, lineSeq);
  }
  // The database part of introducing newcomers is read now (the request's database handle closes
  // with the response); the calls to inboxes go after the response, to online inboxes only, so
  // the request costs the same for 2 members as for 256 and nobody offline is woken.
  const newcomers = new Set(change.added);
  const introductions = change.added?.length
    ? await planIntroductions(c.var.db(), change.added, members.map((m) => m.userId).filter((id) => !newcomers.has(id)))
    : undefined;
  c.executionCtx.waitUntil(tellInboxes(env, roomId, members, change, introductions));
}

/** Who hears what: a room list change for the people added, removed, or (updated) all members. */
function roomListChanges(members: RoomMemberView[], change: MembershipChange): Map<string, 'added' | 'removed' | 'updated'> {
  const changes = new Map<string, 'added' | 'removed' | 'updated'>();
  if (change.updated) for (const m of members) changes.set(m.userId, 'updated');
  for (const id of change.added ?? []) changes.set(id, 'added');
  for (const id of change.removed ?? []) changes.set(id, 'removed');
  return changes;
}

/**
 * Those who left or were removed keep the history up to the line about them (the room just
 * said its seq). Should this write fail, their copy of the chat shows no history rather than
 * too much: the change itself is done, so it is logged, not answered with an error.
 */
async function keepHistoryUntil(c: Context<AppEnv>, roomId: string, userIds: string[], untilSeq: number): Promise<void> {
  await setFormerUntil(c.var.db(), roomId, userIds, untilSeq).catch((err: unknown) =>
    logFailure('former members history limit not saved', err, { room: roomId, people: userIds.length }),
  );
}

async function tellInboxes(
  env: Env,
  roomId: string,
  members: RoomMemberView[],
  change: MembershipChange,
  introductions: IntroductionPlan | undefined,
): Promise<void> {
  const changes = roomListChanges(members, change);
  // One directory lookup for both: the people to tell of the room, and everyone being introduced.
  const online = await onlineAmong(env.ONLINE_DIRECTORY, [...changes.keys(), ...(introductions?.everyone ?? [])]);
  const results = await settleBounded(
    [...changes].filter(([id]) => online.has(id)),
    FAN_OUT_AT_ONCE,
    ([id, what]) => env.INBOXES.get(env.INBOXES.idFromName(id)).roomsChanged(roomId, what),
  );
  if (introductions) results.push(...(await Promise.allSettled([sendIntroductions(env, introductions, online)])));
  logRejections('inbox update failed', results, { room: roomId });
}

/** A person as a system line names them: by id, labelled with the name people see. */
export function memberToken(m: Pick<RoomMemberView, 'userId' | 'username' | 'displayName'>): string {
  return personToken(m.userId, m.displayName || m.username);
}

/**
 * The person making this request, as a system line names them. `members` is a list they are
 * in (before or after the change), which carries their display name: the line keeps it for
 * when they are no longer in the room.
 */
export function actorToken(c: Context<AppEnv>, members: readonly RoomMemberView[]): string {
  const me = members.find((m) => m.userId === c.var.user.userId);
  return me ? memberToken(me) : personToken(c.var.user.userId, c.var.user.username);
}
