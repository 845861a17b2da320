/**
 * What someone who left a group or was removed from it may still read (formerMembers in
 * drizzle/schema.ts): the room's details as they knew them and its history up to the line
 * about them. Checked in Postgres on every request, like membership.
 */
import type { Context } from 'hono';
import { attachmentSentBy, findFormerMembership, formerMembersOf } from '../../drizzle/queries/former-members';
import type { RoomSummary } from '../../drizzle/queries/rooms';
import type { AppEnv } from '../app-env';
import { notAMember } from './queries';

/** The room as its former member sees it, or a 403 (as for anyone who never was in it). */
export async function formerRoomDetail(c: Context<AppEnv>, roomId: string) {
  const db = c.var.db();
  const former = await findFormerMembership(db, roomId, c.var.user.userId);
  if (!former) throw notAMember();
  const { kind, name, secret, createdAt, createdBy, reason, untilSeq, leftAt } = former;
  return {
    id: roomId,
    kind,
    name,
    secret,
    createdAt: createdAt.toISOString(),
    createdBy,
    avatarId: null,
    description: null,
    members: await formerMembersOf(db, roomId, former),
    former: { reason, untilSeq, leftAt },
  };
}

/**
 * A history page's `before` for a former member: at most one past their limit, so the page
 * holds nothing newer. A 403 for anyone with no readable history here.
 */
export async function formerHistoryBefore(c: Context<AppEnv>, roomId: string, before: number | undefined): Promise<number> {
  return Math.min(before ?? Number.MAX_SAFE_INTEGER, (await readableUntil(c, roomId)) + 1);
}

/** A picture, file or voice note of the history a former member can read; else a 403. */
export async function requireFormerAttachment(c: Context<AppEnv>, roomId: string, id: string): Promise<void> {
  if (!(await attachmentSentBy(c.var.db(), roomId, id, await readableUntil(c, roomId)))) throw notAMember();
}

async function readableUntil(c: Context<AppEnv>, roomId: string): Promise<number> {
  const former = await findFormerMembership(c.var.db(), roomId, c.var.user.userId);
  if (former?.untilSeq == null) throw notAMember();
  return former.untilSeq;
}

/** My list: my rooms in their order, then each former group where its last activity puts it (pinned ones stay first). */
export function withFormerRooms(mine: RoomSummary[], former: RoomSummary[]): RoomSummary[] {
  const activity = (r: RoomSummary) => r.lastMessageAt ?? r.createdAt;
  const list = [...mine];
  for (const room of former) {
    const at = list.findIndex((r) => !r.pinnedAt && activity(r) < activity(room));
    list.splice(at === -1 ? list.length : at, 0, room);
  }
  return list;
}
