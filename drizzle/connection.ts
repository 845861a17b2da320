/**
 * Opens Postgres connections through @neondatabase/serverless, which speaks the
 * Postgres protocol over a WebSocket. In production that WebSocket goes to Neon.
 * Locally `PG_RELAY_URL` names our WebSocket-to-TCP relay (scripts/lib/pg-relay.ts)
 * in front of an ordinary PostgreSQL, which speaks neither TLS-over-WS nor Neon's
 * pipelined password start-up, so both are switched off.
 */
import { Pool, neonConfig } from '@neondatabase/serverless';
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

/**
 * A pool: per request in the Worker (end it with `ctx.waitUntil(pool.end())`),
 * or per Durable Object activation with an idle timeout so it can hibernate.
 */
export function openPool(env: DatabaseEnv, options: { max?: number; idleTimeoutMillis?: number } = {}): Pool {
  configureDriver(env);
  return new Pool({ connectionString: env.DATABASE_URL, max: 4, ...options });
}

export function drizzleOver(pool: Pool) {
  return drizzle({ client: pool, schema });
}
export type Database = ReturnType<typeof drizzleOver>;
