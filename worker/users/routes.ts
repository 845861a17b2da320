/** /api/users: finding people to talk to and blocking them (the inbox socket's ticket: worker/realtime/ticket-routes.ts). */
import { Hono } from 'hono';
import { z } from 'zod';
import { blockUser, listBlocked, unblockUser } from '../../drizzle/queries/blocks';
import { searchUsers } from '../../drizzle/queries/users';
import type { AppEnv } from '../app-env';
import { requireUser } from '../auth/require-user';
import { usernameSchema } from '../auth/schemas';
import { findUserByUsername } from '../auth/users';
import { readConfig } from '../../durable-objects/shared/env';
import { badRequest, notFound } from '../http/errors';
import { enforceRateLimit } from '../http/rate-limit';
import { parseWith, readQuery } from '../http/validate';
import { applyBlock, liftBlock } from './blocking';

export const userRoutes = new Hono<AppEnv>();
userRoutes.use('/users', requireUser);
userRoutes.use('/blocks', requireUser);
userRoutes.use('/blocks/*', requireUser);

/**
 * Directory search is a prefix search on usernames, bounded so it cannot be
 * used to list every user quickly: at most 20 results, no paging, and
 * USER_SEARCH_RATE_LIMIT searches per user (walking a million names by
 * prefixes takes tens of thousands of searches).
 */
const searchQuery = z.object({
  q: z.string().trim().toLowerCase().min(1, 'q is required').max(32),
  limit: z.coerce.number().int().min(1).max(20).default(20),
});

userRoutes.get('/users', async (c) => {
  const { q, limit } = readQuery(c, searchQuery);
  await enforceRateLimit(c, `user-search:${c.var.user.userId}`, readConfig(c.env).USER_SEARCH_RATE_LIMIT, 'searches');
  return c.json({ users: await searchUsers(c.var.db(), q, c.var.user.userId, limit) });
});

userRoutes.get('/blocks', async (c) => c.json({ blocked: await listBlocked(c.var.db(), c.var.user.userId) }));

async function blockTarget(c: import('hono').Context<AppEnv>) {
  const username = parseWith(usernameSchema, c.req.param('username'));
  const user = await findUserByUsername(c.var.db(), username);
  if (!user) throw notFound(`no user named ${username}`);
  if (user.id === c.var.user.userId) throw badRequest('you cannot block yourself');
  return user;
}

/** Blocks a person: no direct messages or calls between you, and no presence either way. */
userRoutes.put('/blocks/:username', async (c) => {
  const target = await blockTarget(c);
  await blockUser(c.var.db(), c.var.user.userId, target.id);
  await applyBlock(c.env, c.var.db(), c.var.user.userId, target.id);
  return c.body(null, 204);
});

userRoutes.delete('/blocks/:username', async (c) => {
  const target = await blockTarget(c);
  if (!(await unblockUser(c.var.db(), c.var.user.userId, target.id))) throw notFound(`${target.username} is not blocked`);
  await liftBlock(c.env, c.var.db(), c.var.user.userId, target.id);
  return c.body(null, 204);
});

