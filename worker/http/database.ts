/**
 * Postgres for a request: a handle opened only if a handler asks for it. Its
 * single statements go over HTTP, one fetch each, to connections the endpoint
 * keeps warm (Neon's, or the local relay's): no connection is set up per request.
 * Only a transaction opens a connection of the request's own, closed after the
 * response (Workers may not share sockets between requests).
 *
 * A connection budget per isolate for those: at most DB_MAX_CONNECTIONS requests
 * hold a connection at once; the rest wait their turn (within DB_TIMEOUT_MS), so
 * a burst queues here instead of exhausting the server's max_connections.
 * See docs/architecture.md#connections.
 */
import type { MiddlewareHandler } from 'hono';
import type { Pool } from '@neondatabase/serverless';
import { databaseTimeoutMs, drizzleOver, isDatabaseUnavailable, openPool, type Database } from '../../drizzle/connection';
import type { AppEnv } from '../app-env';
import { ConnectionBudget } from './connection-budget';

const DEFAULT_MAX_CONNECTIONS = 20;

let budget: ConnectionBudget | undefined;

function budgetFor(maxText: string | undefined): ConnectionBudget {
  const max = maxText ? Number(maxText) : DEFAULT_MAX_CONNECTIONS;
  if (!Number.isInteger(max) || max < 1) throw new Error(`DB_MAX_CONNECTIONS must be a whole number from 1, not "${maxText}"`);
  if (budget?.max !== max) budget = new ConnectionBudget(max);
  return budget;
}

/**
 * A request's pool: it dials (for a transaction) only once the budget gives it a slot,
 * and once one of its queries found the database unreachable or too slow, the rest fail
 * at once, so a request answers 503 within one deadline rather than one deadline per query.
 */
function guardPool(pool: Pool, slot: () => Promise<unknown>): { pool: Pool; markUnavailable: (err: unknown) => void } {
  let unavailable: unknown;
  const dial = pool.connect.bind(pool) as () => Promise<unknown>;
  // The pool dials for a transaction (promise form), or for a query it does not send over fetch (callback form).
  pool.connect = ((callback?: (err: unknown, client?: unknown) => void) => {
    const connected = unavailable ? Promise.reject(unavailable) : slot().then(() => dial());
    if (!callback) return connected;
    connected.then((client) => callback(undefined, client), (err: unknown) => callback(err));
  }) as typeof pool.connect;
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  pool.query = ((...args: unknown[]) => {
    if (unavailable && typeof args.at(-1) !== 'function') return Promise.reject(unavailable);
    const result = query(...args);
    if (result instanceof Promise) {
      result.catch((err: unknown) => {
        if (isDatabaseUnavailable(err)) unavailable ??= err;
      });
    }
    return result;
  }) as typeof pool.query;
  return { pool, markUnavailable: (err) => (unavailable ??= err) };
}

const markers = new WeakMap<Database, (err: unknown) => void>();

/** Tells the request's database handle that the database is down: its next queries fail at once. */
export function markDatabaseUnavailable(db: Database, err: unknown): void {
  markers.get(db)?.(err);
}

export const databasePerRequest: MiddlewareHandler<AppEnv> = async (c, next) => {
  let pool: Pool | undefined;
  let slot: Promise<() => void> | undefined;
  let db: Database | undefined;
  const timeoutMs = databaseTimeoutMs(c.env);
  // Asked for only when the request opens a connection (a transaction): fetches need none.
  const takeSlot = () => {
    if (!slot) {
      slot = budgetFor(c.env.DB_MAX_CONNECTIONS).acquire(timeoutMs);
      slot.catch(() => {});
    }
    return slot;
  };
  c.set('db', () => {
    if (!db) {
      const guarded = guardPool(openPool(c.env, { max: 1, viaFetch: true }), takeSlot);
      pool = guarded.pool;
      db = drizzleOver(pool);
      markers.set(db, guarded.markUnavailable);
    }
    return db;
  });
  try {
    await next();
  } finally {
    if (pool) {
      // The slot comes back when the connection is closed, or after the deadline if closing hangs.
      const closing = Promise.race([pool.end().catch(() => {}), new Promise((r) => setTimeout(r, timeoutMs))]);
      const held = slot;
      c.executionCtx.waitUntil(closing.then(() => held?.then((release) => release(), () => {})));
    }
  }
};

/** Postgres unique_violation, with the constraint it hit. */
export function uniqueViolation(err: unknown): string | undefined {
  const cause = (err as { cause?: unknown })?.cause ?? err;
  const pgError = cause as { code?: string; constraint?: string };
  return pgError?.code === '23505' ? (pgError.constraint ?? '') : undefined;
}
