/**
 * GET /api/rooms/:roomId/threads/:rootSeq: a thread's root and its replies, oldest first,
 * paged forward with `after`. The room's log holds the newest replies (Postgres is written
 * behind it); replies older than its tail come from Postgres.
 * GET /api/rooms/:roomId/thread-reads and PUT …/thread-reads/:rootSeq: how far I read each thread,
 * kept per member so a thread read on one device is read on all (drizzle/queries/thread-reads.ts).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app-env';
import { requireUser } from '../auth/require-user';
import { badRequest, notFound } from '../http/errors';
import { parseWith, readJson, readQuery, uuidParam } from '../http/validate';
import { threadRepliesBetween } from '../../drizzle/queries/threads';
import { markThreadRead, threadReadsOf } from '../../drizzle/queries/thread-reads';
import { findFormerMembership } from '../../drizzle/queries/former-members';
import { findMembership } from '../../drizzle/queries/rooms';
import { notAMember, roomObject } from './queries';

export const threadRoutes = new Hono<AppEnv>();
threadRoutes.use('/rooms/:roomId/threads/*', requireUser);
threadRoutes.use('/rooms/:roomId/thread-reads', requireUser);
threadRoutes.use('/rooms/:roomId/thread-reads/*', requireUser);

const rootSeqParam = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const threadQuery = z.object({
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

threadRoutes.get('/rooms/:roomId/threads/:rootSeq', async (c) => {
  const roomId = parseWith(uuidParam, c.req.param('roomId'));
  const rootSeq = parseWith(rootSeqParam, c.req.param('rootSeq'));
  const { after, limit } = readQuery(c, threadQuery);
  const thread = await roomObject(c.env, roomId).threadTail(roomId, c.var.user.userId, rootSeq, after, limit);
  if (thread.status === 'not_member') throw notAMember();
  if (thread.status !== 'ok') throw notFound('no such thread: its root is not a message of this room');
  const older = after + 1 < thread.tailStart ? await threadRepliesBetween(c.var.db(), roomId, rootSeq, after, thread.tailStart, limit) : [];
  const replies = [...older, ...thread.replies].slice(0, limit);
  const newest = replies.at(-1)?.seq;
  return c.json({ root: thread.root, replies, nextAfter: replies.length === limit && newest ? newest : null });
});

const seqValue = z.int().min(1).max(Number.MAX_SAFE_INTEGER);
const threadReadBody = z.strictObject({ seq: seqValue });

threadRoutes.get('/rooms/:roomId/thread-reads', async (c) => {
  const roomId = parseWith(uuidParam, c.req.param('roomId'));
  const db = c.var.db();
  const userId = c.var.user.userId;
  if (await findMembership(db, roomId, userId)) return c.json({ reads: await threadReadsOf(db, roomId, userId) });
  // A former member still reads the history up to their leaving; their marks went with the membership.
  if (await findFormerMembership(db, roomId, userId)) return c.json({ reads: {} });
  throw notAMember();
});

/** `seq`: the newest reply of the thread I saw (a mark never moves back). */
threadRoutes.put('/rooms/:roomId/thread-reads/:rootSeq', async (c) => {
  const roomId = parseWith(uuidParam, c.req.param('roomId'));
  const rootSeq = parseWith(rootSeqParam, c.req.param('rootSeq'));
  const { seq } = await readJson(c, threadReadBody);
  if (seq <= rootSeq) throw badRequest('seq must be a reply of the thread: after its root');
  if (!(await markThreadRead(c.var.db(), roomId, c.var.user.userId, rootSeq, seq))) throw notAMember();
  return c.body(null, 204);
});
