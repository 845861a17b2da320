/**
 * One Postgres pool per request, opened only if a handler asks for it and
 * closed after the response (Workers may not share sockets between requests).
 */
import type { MiddlewareHandler } from 'hono';
import type { Pool } from '@neondatabase/serverless';
import { drizzleOver, openPool, type Database } from '../../drizzle/connection';
import type { AppEnv } from '../app-env';

export const databasePerRequest: MiddlewareHandler<AppEnv> = async (c, next) => {
  let pool: Pool | undefined;
  let db: Database | undefined;
  c.set('db', () => {
    if (!db) {
      pool = openPool(c.env);
      db = drizzleOver(pool);
    }
    return db;
  });
  try {
    await next();
  } finally {
    if (pool) c.executionCtx.waitUntil(pool.end());
  }
};

/** Postgres unique_violation, with the constraint it hit. */
export function uniqueViolation(err: unknown): string | undefined {
  const cause = (err as { cause?: unknown })?.cause ?? err;
  const pgError = cause as { code?: string; constraint?: string };
  return pgError?.code === '23505' ? (pgError.constraint ?? '') : undefined;
}
