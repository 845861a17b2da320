/**
 * Opens Postgres connections through @neondatabase/serverless, which speaks the
 * Postgres protocol over a WebSocket. In production that WebSocket goes to Neon.
 * Locally `PG_RELAY_URL` names our WebSocket-to-TCP relay (scripts/lib/pg-relay.ts)
 * in front of an ordinary PostgreSQL, which speaks neither TLS-over-WS nor Neon's
 * pipelined password start-up, so both are switched off.
 */
import { Client, Pool, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-serverless';
import { schema } from './schema';

export interface DatabaseEnv {
  DATABASE_URL: string;
  /** host:port/path of a local WebSocket relay, without protocol. Unset for Neon. */
  PG_RELAY_URL?: string;
}

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

/** A pool for one request; end it with `ctx.waitUntil(pool.end())`. */
export function openPool(env: DatabaseEnv): Pool {
  configureDriver(env);
  return new Pool({ connectionString: env.DATABASE_URL, max: 4 });
}

/** A single long-lived connection, as a Durable Object keeps between events. */
export function openClient(env: DatabaseEnv): Client {
  configureDriver(env);
  return new Client({ connectionString: env.DATABASE_URL });
}

export function drizzleOver(pool: Pool | Client) {
  return drizzle({ client: pool as Pool, schema });
}
export type Database = ReturnType<typeof drizzleOver>;
