/** A group as the group routes answer with it. */
import type { Context } from 'hono';
import type { RoomMemberView } from '../../drizzle/queries/rooms';
import { hideReadCursors } from '../../drizzle/queries/privacy';
import type { AppEnv } from '../app-env';

export interface GroupProfile {
  name: string | null;
  avatarId?: string | null;
  description?: string | null;
}

/** Members' read cursors follow the caller's and their privacy settings (hideReadCursors). */
export async function roomResponse(c: Context<AppEnv>, roomId: string, group: GroupProfile, members: RoomMemberView[]) {
  const { name, avatarId = null, description = null } = group;
  return { room: { id: roomId, kind: 'group' as const, name, avatarId, description, members: await hideReadCursors(c.var.db(), c.var.user.userId, members) } };
}
