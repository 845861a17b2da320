/**
 * Deleted accounts among a room's members. A deleted account stays a member (its messages
 * keep their sender, shown as "Deleted user"), but it is no one to write to, call, mention or
 * count, and its username is a placeholder (`deleted-<id>`) that is never shown.
 */
import type { RoomMember } from '../services/api';

type Member = Pick<RoomMember, 'userId' | 'deleted'>;

export function isDeleted(member: Pick<RoomMember, 'deleted'>): boolean {
  return member.deleted === true;
}

/** The members whose accounts still exist. */
export function liveMembers<T extends Member>(members: readonly T[]): T[] {
  return members.filter((m) => !isDeleted(m));
}

/** The username to show as "@…", or null for a deleted account. */
export function shownUsername(member: Pick<RoomMember, 'username' | 'deleted'>): string | null {
  return isDeleted(member) ? null : member.username;
}

/**
 * Everyone here but me deleted their account (a direct chat with a deleted person): the room
 * takes no messages or calls, its history stays readable. False while the members are unknown.
 */
export function othersAllDeleted(members: readonly Member[], me: string): boolean {
  const others = members.filter((m) => m.userId !== me);
  return others.length > 0 && others.every(isDeleted);
}
