/** Guards for group routes: the caller's membership (and role) in the group named by `:roomId`. */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { badRequest, forbidden } from '../http/errors';
import { parseWith, uuidParam } from '../http/validate';
import { requireMembership } from '../rooms/queries';

export async function requireGroupMember(c: Context<AppEnv>) {
  const roomId = parseWith(uuidParam, c.req.param('roomId'));
  const membership = await requireMembership(c.var.db(), roomId, c.var.user.userId);
  if (membership.kind !== 'group') throw badRequest('this is a direct conversation, not a group');
  return { roomId, ...membership };
}

export async function requireGroupAdmin(c: Context<AppEnv>) {
  const group = await requireGroupMember(c);
  if (group.role !== 'admin') throw forbidden('only group admins can do that');
  return group;
}
