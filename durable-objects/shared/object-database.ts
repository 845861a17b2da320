/**
 * Postgres for a Durable Object: one connection, opened on first use and closed
 * after a short idle time, because an open outbound socket would keep the
 * object from hibernating.
 */
import { drizzleOver, openPool, type Database, type DatabaseEnv } from '../../drizzle/connection';

const IDLE_MS = 10_000;

/** A getter that opens the object's database lazily and then reuses it. */
export function lazyObjectDatabase(env: DatabaseEnv): () => Database {
  let database: Database | undefined;
  return () => (database ??= drizzleOver(openPool(env, { max: 1, idleTimeoutMillis: IDLE_MS })));
}
