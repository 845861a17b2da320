/**
 * GET /api/embed/:roomId: what a signed-out visitor of an embedded chat may know before
 * signing in, so the sign-in inside the frame can say which group it is for. Only the name,
 * and only for a group its admins chose to show: one with an allowed embedding site, or
 * with the live invite link the frame was given (`?invite=`, which names the group anyway).
 * Everything else answers `{ room: null }`, the same as an unknown id (and no failed request
 * in the visitor's console: the frame then just says "this conversation").
 */
import { Hono } from 'hono';
import { embeddableGroupName, findUsableInvite } from '../../drizzle/queries/invites';
import type { AppEnv } from '../app-env';
import { hashToken } from '../auth/secret-tokens';
import { parseWith, uuidParam } from '../http/validate';
import { inviteToken } from './routes';

export const embedRoute = new Hono<AppEnv>();

embedRoute.get('/embed/:roomId', async (c) => {
  const roomId = parseWith(uuidParam, c.req.param('roomId'));
  const db = c.var.db();
  const token = c.req.query('invite');
  if (token !== undefined) {
    const invite = await findUsableInvite(db, await hashToken(parseWith(inviteToken, token)));
    if (invite?.roomId === roomId) return c.json({ room: { id: roomId, name: invite.name } });
  }
  const embeddable = await embeddableGroupName(db, roomId);
  return c.json({ room: embeddable ? { id: roomId, name: embeddable.name } : null });
});
