/**
 * Opens Postgres through @neondatabase/serverless, two ways:
 * - single statements of a Worker request (`openPool(env, { viaFetch: true })`) go
 *   over HTTP, one fetch each, to Neon's query endpoint, which runs them on
 *   connections it keeps warm: no connection to set up per request, and fetch rides
 *   the runtime's pooled outbound connections (Workers may not share a socket
 *   between requests, so a pool of our own cannot outlive one);
 * - transactions, and everything a Durable Object does, use the Postgres protocol
 *   over a WebSocket (an object keeps its connection across requests).
 * In production both go to Neon. Locally `PG_RELAY_URL` names our relay
 * (scripts/lib/pg-relay.ts) in front of an ordinary PostgreSQL: WebSocket-to-TCP,
 * plus the HTTP query endpoint over connections it keeps open. A plain Postgres
 * speaks neither TLS-over-WS nor Neon's pipelined password start-up, so both are
 * switched off. Why this and not Hyperdrive: docs/architecture.md#connections.
 *
 * Every connection and every query has a deadline (`DB_TIMEOUT_MS`, default 5 s):
 * a stalled or unreachable database is an error the caller can report, never a hang.
 */
import { Pool, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-serverless';

export interface DatabaseEnv {
  DATABASE_URL: string;
  /** host:port/path of a local WebSocket relay, without protocol. Unset for Neon. */
  PG_RELAY_URL?: string;
  /** Deadline of one connection attempt or one query, in ms. */
  DB_TIMEOUT_MS?: string;
}

export const DEFAULT_DB_TIMEOUT_MS = 5000;

let configured: string | undefined;

function configureDriver(env: DatabaseEnv): void {
  if (!env.DATABASE_URL) {
    throw new Error('DATABASE_URL is not set: add it to .dev.vars, or run `npm start` to use a local PostgreSQL');
  }
  const relay = env.PG_RELAY_URL || undefined;
  const timeout = databaseTimeoutMs(env);
  const key = `${relay}\n${env.DATABASE_URL}\n${timeout}`;
  if (key === configured) return;
  configured = key;
  // Only pools that ask for it (see openPool): the rest opt out per pool.
  neonConfig.poolQueryViaFetch = true;
  // A query over fetch has the same deadline as one over a connection.
  neonConfig.fetchFunction = (url: string, init: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(timeout) });
  if (relay) {
    neonConfig.wsProxy = (host, port) => `${relay}?address=${host}:${port}`;
    // The driver leaves the port out of what it gives the endpoint; the relay needs it.
    const { hostname, port } = new URL(env.DATABASE_URL);
    neonConfig.fetchEndpoint = `http://${relay}/sql?address=${hostname}:${port || 5432}`;
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
 * `viaFetch`: its single statements (`pool.query`) go over HTTP, one fetch each;
 * only transactions (`pool.connect`) open a connection.
 */
export function openPool(
  env: DatabaseEnv,
  { viaFetch = false, ...options }: { max?: number; idleTimeoutMillis?: number; viaFetch?: boolean } = {},
): Pool {
  configureDriver(env);
  const timeout = databaseTimeoutMs(env);
  const pool = new Pool({
    connectionString: env.DATABASE_URL,
    max: 4,
    connectionTimeoutMillis: timeout,
    // Client-side: a frozen server never answers, so a server-side statement_timeout alone would not fire.
    query_timeout: timeout,
    ...options,
  });
  // The driver's switch is global; a pool with a listener for "connect" keeps its queries on
  // its connection (the driver's documented rule), which is what an object's pool wants.
  if (!viaFetch) pool.on('connect', () => {});
  return pool;
}

/**
 * No `schema` here: nothing uses the relational `db.query` API, and with a schema drizzle
 * rebuilds every table's relational config (each table's index builders included) per
 * instance, which a Worker makes per request.
 */
export function drizzleOver(pool: Pool) {
  return drizzle({ client: pool });
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
  // Over fetch: the endpoint could not be reached, or answered that the database could not (5xx).
  if (/^Error connecting to database|^Server error \(HTTP status 5\d\d\)/.test(message)) return true;
  // "Client has encountered a connection error and is not queryable": what the driver says to
  // the next query (a rollback, say) on a connection that dropped under the previous one.
  return /timeout|timed out|terminated|ECONNREFUSED|ECONNRESET|WebSocket|Connection terminated|closed|not queryable/i.test(message);
}
