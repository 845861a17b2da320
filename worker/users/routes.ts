/** /api/users: finding people to talk to, and the inbox socket's ticket. */
import { Hono } from 'hono';
import { z } from 'zod';
import { searchUsers } from '../../drizzle/queries/users';
import type { AppEnv } from '../app-env';
import { requireUser } from '../auth/require-user';
import { readQuery } from '../http/validate';
import { INBOX_AUDIENCE } from '../realtime/inbox-audience';
import { ticketResponse } from '../realtime/tickets';

export const userRoutes = new Hono<AppEnv>();
userRoutes.use('/users', requireUser);
userRoutes.use('/inbox/*', requireUser);

const searchQuery = z.object({
  q: z.string().trim().toLowerCase().min(1, 'q is required').max(32),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

userRoutes.get('/users', async (c) => {
  const { q, limit } = readQuery(c, searchQuery);
  return c.json({ users: await searchUsers(c.var.db(), q, c.var.user.userId, limit) });
});

userRoutes.post('/inbox/ws-ticket', (c) => ticketResponse(c, INBOX_AUDIENCE));
