/**
 * /api/search/messages: full-text search over the messages of my rooms (Postgres,
 * drizzle/queries/search.ts). People search is /api/users (worker/users/routes.ts).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { searchMessages, type SearchCursor } from '../../drizzle/queries/search';
import type { AppEnv } from '../app-env';
import { requireUser } from '../auth/require-user';
import { HttpError, badRequest } from '../http/errors';
import { readConfig } from '../../durable-objects/shared/env';
import { isStatementTimeout, withStatementTimeout } from '../../drizzle/queries/statement-timeout';
import { isDatabaseUnavailable } from '../../drizzle/connection';
import { guardedSearch } from './search-guard';
import { readQuery, uuidParam } from '../http/validate';

export const searchRoutes = new Hono<AppEnv>();
searchRoutes.use('/search/*', requireUser);

const cursorSchema = z.object({
  createdAt: z.iso.datetime({ precision: 6 }),
  roomId: uuidParam,
  seq: z.int().min(1),
});

/** The cursor travels as base64url JSON: opaque to clients, validated on the way back. */
export function encodeCursor(cursor: SearchCursor): string {
  return btoa(JSON.stringify(cursor)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decodeCursor(text: string): SearchCursor {
  try {
    return cursorSchema.parse(JSON.parse(atob(text.replace(/-/g, '+').replace(/_/g, '/'))));
  } catch {
    throw badRequest('cursor is not one this API returned');
  }
}

const searchQuery = z.object({
  q: z.string().trim().min(1, 'q is required').max(200, 'q is at most 200 characters'),
  roomId: uuidParam.optional(),
  cursor: z.string().max(300).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

// A room I am not (or no longer) a member of simply has no results: the membership join decides.
searchRoutes.get('/search/messages', async (c) => {
  const { q, roomId, cursor, limit } = readQuery(c, searchQuery);
  const before = cursor ? decodeCursor(cursor) : undefined;
  const timeoutMs = readConfig(c.env).SEARCH_TIMEOUT_MS;
  const { hits, next } = await guardedSearch(c, () =>
    withStatementTimeout(c.var.db(), timeoutMs, (tx) =>
      searchMessages(tx, { userId: c.var.user.userId, query: q, roomId, before, limit }),
    ).catch((err: unknown) => {
      if (isStatementTimeout(err)) throw new HttpError(503, 'search_timeout', 'that search took too long; try more or rarer words');
      // The connection timed out or dropped mid-search: the request's pool is closed after the
      // response, so nothing broken is left for the next search.
      if (isDatabaseUnavailable(err)) throw new HttpError(503, 'search_unavailable', 'search is unavailable right now; try again in a few seconds', { retryAfterMs: 2000 });
      throw err;
    }),
  );
  return c.json({ results: hits, nextCursor: next ? encodeCursor(next) : null });
});
