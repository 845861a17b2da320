/**
 * What one person's searches may cost (full-text search is the most expensive query the
 * app runs): a rate per user (`SEARCH_RATE_LIMIT`, 429), at most a few of one person's
 * searches at once in an isolate (429), a connection budget of their own
 * (`SEARCH_MAX_CONNECTIONS` per isolate, taken before the general one: searches can hold
 * only that many of the isolate's `DB_MAX_CONNECTIONS`, the rest stay for everything
 * else), and a server-side statement_timeout (`SEARCH_TIMEOUT_MS`, see route).
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { readConfig } from '../../durable-objects/shared/env';
import { HttpError, tooManyRequests } from '../http/errors';
import { ConnectionBudget } from '../http/connection-budget';
import { enforceRateLimit } from '../http/rate-limit';
import { ConcurrencyGate } from './concurrency-gate';

/** One person's searches running at once in this isolate. */
export const SEARCHES_AT_ONCE_PER_USER = 2;

const perUser = new ConcurrencyGate(SEARCHES_AT_ONCE_PER_USER);
let budget: ConnectionBudget | undefined;

/** Runs `search` within the user's limits and the search connection budget. */
export async function guardedSearch<T>(c: Context<AppEnv>, search: () => Promise<T>): Promise<T> {
  const config = readConfig(c.env);
  const me = c.var.user.userId;
  await enforceRateLimit(c, `search:${me}`, config.SEARCH_RATE_LIMIT, 'searches');
  const leave = perUser.enter(me);
  if (!leave) throw tooManyRequests(`at most ${SEARCHES_AT_ONCE_PER_USER} searches at once; wait for one to finish`, 1000);
  try {
    if (budget?.max !== config.SEARCH_MAX_CONNECTIONS) budget = new ConnectionBudget(config.SEARCH_MAX_CONNECTIONS);
    const release = await budget.acquire(config.SEARCH_TIMEOUT_MS).catch(() => {
      throw new HttpError(503, 'search_busy', 'search is busy right now; try again in a few seconds', { retryAfterMs: 2000 });
    });
    try {
      return await search();
    } finally {
      release();
    }
  } finally {
    leave();
  }
}
