/**
 * GET /api/rooms/:roomId/media?kind=pictures|files|links: a chat's "Media, files and links"
 * tab, newest first, with a seq cursor. Members only (the room's object says who is one).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app-env';
import { requireUser } from '../auth/require-user';
import { parseWith, readQuery, uuidParam } from '../http/validate';
import { hiddenAmong, isMediaOf, MEDIA_KINDS, mediaBefore } from '../../drizzle/queries/media';
import { notAMember, roomObject } from '../rooms/queries';

/** Most of the room's own (not yet written behind) log read for one page. */
const TAIL_SCAN = 200;

const mediaQuery = z.object({
  kind: z.enum(MEDIA_KINDS, { error: 'kind must be pictures, files or links' }),
  before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});

export const mediaRoutes = new Hono<AppEnv>();
mediaRoutes.use('/rooms/:roomId/media', requireUser);

mediaRoutes.get('/rooms/:roomId/media', async (c) => {
  const roomId = parseWith(uuidParam, c.req.param('roomId'));
  const { kind, before, limit } = readQuery(c, mediaQuery);
  const userId = c.var.user.userId;
  const db = c.var.db();

  // The room's log first (it holds what Postgres may not have yet), then Postgres below it.
  const tail = await roomObject(c.env, roomId).tailPage(roomId, userId, before, TAIL_SCAN);
  if (!tail.member) throw notAMember();
  const candidates = tail.messages.filter((m) => isMediaOf(m, kind));
  const hidden = await hiddenAmong(db, userId, roomId, candidates.map((m) => m.seq));
  const items = candidates.filter((m) => !hidden.has(m.seq)).slice(0, limit);
  const page = (nextBefore: number | null) => c.json({ messages: items, nextBefore: nextBefore && nextBefore > 1 ? nextBefore : null });

  if (items.length === limit) return page(items.at(-1)!.seq);
  // More of the room's log than one scan reads: the next page goes on from where this one stopped.
  if (tail.messages.length === TAIL_SCAN) return page(tail.messages.at(-1)!.seq);
  const below = Math.min(before ?? Number.MAX_SAFE_INTEGER, tail.tailStart);
  if (below <= 1) return page(null);
  const wanted = limit - items.length;
  const older = await mediaBefore(db, roomId, userId, kind, below, wanted);
  items.push(...older);
  return page(older.length === wanted ? items.at(-1)!.seq : null);
});
