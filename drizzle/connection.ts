/**
 * Opens Postgres connections through @neondatabase/serverless, which speaks the
 * Postgres protocol over a WebSocket. In production that WebSocket goes to Neon.
 * Locally `PG_RELAY_URL` names our WebSocket-to-TCP relay (scripts/lib/pg-relay.ts)
 * in front of an ordinary PostgreSQL, which speaks neither TLS-over-WS nor Neon's
 * pipelined password start-up, so both are switched off.
 *
 * Every connection and every query has a deadline (`DB_TIMEOUT_MS`, default 5 s):
 * a stalled or unreachable database is an error the caller can report, never a hang.
 */
import { Pool, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-serverless';
import { schema } from './schema';

export interface DatabaseEnv {
  DATABASE_URL: string;
  /** host:port/path of a local WebSocket relay, without protocol. Unset for Neon. */
  PG_RELAY_URL?: string;
  /** Deadline of one connection attempt or one query, in ms. */
  DB_TIMEOUT_MS?: string;
}

export const DEFAULT_DB_TIMEOUT_MS = 5000;

let configuredRelay: string | undefined;

function configureDriver(env: DatabaseEnv): void {
  if (!env.DATABASE_URL) {
    throw new Error('DATABASE_URL is not set: add it to .dev.vars, or run `npm start` to use a local PostgreSQL');
  }
  const relay = env.PG_RELAY_URL || undefined;
  if (relay === configuredRelay) return;
  configuredRelay = relay;
  if (relay) {
    neonConfig.wsProxy = (host, port) => `${relay}?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.forceDisablePgSSL = true;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
  }
}

/** DB_TIMEOUT_MS, checked: a typo must not silently mean "no deadline". */
export function databaseTimeoutMs(env: DatabaseEnv): number {
  if (env.DB_TIMEOUT_MS === undefined || env.DB_TIMEOUT_MS === '') return DEFAULT_DB_TIMEOUT_MS;
  const ms = Number(env.DB_TIMEOUT_MS);
  if (!Number.isInteger(ms) || ms < 100 || ms > 120_000) {
    throw new Error(`DB_TIMEOUT_MS must be a whole number of milliseconds from 100 to 120000, not "${env.DB_TIMEOUT_MS}"`);
  }
  return ms;
}

/**
 * A pool: per request in the Worker (end it with `ctx.waitUntil(pool.end())`),
 * or per Durable Object activation with an idle timeout so it can hibernate.
 */
export function openPool(env: DatabaseEnv, options: { max?: number; idleTimeoutMillis?: number } = {}): Pool {
  configureDriver(env);
  const timeout = databaseTimeoutMs(env);
  return new Pool({
    connectionString: env.DATABASE_URL,
    max: 4,
    connectionTimeoutMillis: timeout,
    // Client-side: a frozen server never answers, so a server-side statement_timeout alone would not fire.
    query_timeout: timeout,
    ...options,
  });
}

export function drizzleOver(pool: Pool) {
  return drizzle({ client: pool, schema });
}
export type Database = ReturnType<typeof drizzleOver>;

/** The database did not answer in time or could not be reached: worth a retry later, not a 500. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

/** Runs `work` with a deadline; a timeout rejects with DatabaseUnavailableError (the work is abandoned). */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseUnavailableError(`${what}: no answer from the database within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/** True for errors that mean "the database is unreachable or too slow", as opposed to a bad query. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof DatabaseUnavailableError) return true;
  const e = (err as { cause?: unknown })?.cause ?? err;
  // drizzle wraps a driver's error in its own ("Failed query: …", the original as `cause`).
  if (e instanceof DatabaseUnavailableError) return true;
  const message = String((e as Error)?.message ?? e);
  const code = (e as { code?: string })?.code;
  // 57P01 admin shutdown, 57P03 cannot connect now, 53300 too many connections, 08xxx connection exceptions.
  if (code && (/^08/.test(code) || ['57P01', '57P02', '57P03', '53300'].includes(code))) return true;
  return /timeout|timed out|terminated|ECONNREFUSED|ECONNRESET|WebSocket|Connection terminated|closed/i.test(message);
}
