/**
 * Postgres for a Durable Object: one connection, opened on first use and closed
 * after a short idle time, because an open outbound socket would keep the
 * object from hibernating. A connection that failed or timed out is thrown away
 * (a frozen server leaves it wedged), so the next use dials afresh.
 */
import type { Pool } from '@neondatabase/serverless';
import {
  databaseTimeoutMs,
  drizzleOver,
  openPool,
  withDeadline,
  type Database,
  type DatabaseEnv,
} from '../../drizzle/connection';
import { logFailure } from './log-failure';

/** Long enough to carry a conversation's burst of flushes, short enough to let the room hibernate soon after. */
const IDLE_MS = 5_000;

export class ObjectDatabase {
  private pool?: Pool;
  private database?: Database;
  readonly timeoutMs: number;

  constructor(private readonly env: DatabaseEnv) {
    this.timeoutMs = databaseTimeoutMs(env);
  }

  /** The shared handle, for callers that rely on the pool's own connect and query timeouts. */
  db(): Database {
    if (!this.database) {
      const pool = openPool(this.env, { max: 1, idleTimeoutMillis: IDLE_MS });
      // An idle connection that breaks (the server went away) is reported on the pool: without a
      // listener that report would be thrown as an uncaught error in the object.
      pool.on('error', (err: unknown) => {
        logFailure('idle database connection broke', err);
        if (this.pool === pool) this.discard();
      });
      this.pool = pool;
      this.database = drizzleOver(pool);
    }
    return this.database;
  }

  /** Runs `work` within the deadline; on any failure the connection is discarded. */
  async run<T>(what: string, work: (db: Database) => Promise<T>): Promise<T> {
    try {
      return await withDeadline(work(this.db()), this.timeoutMs, what);
    } catch (err) {
      this.discard();
      throw err;
    }
  }

  /** Closes the connection now (an idle object can hibernate at once). */
  discard(): void {
    const pool = this.pool;
    this.pool = undefined;
    this.database = undefined;
    pool?.end().catch(() => {});
  }
}

/** A getter that opens the object's database lazily and then reuses it. */
export function lazyObjectDatabase(env: DatabaseEnv): () => Database {
  const database = new ObjectDatabase(env);
  return () => database.db();
}
