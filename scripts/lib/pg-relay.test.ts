/**
 * The relay against a real PostgreSQL: the one `npm test` prepared
 * (TEST_DATABASE_URL), else the project's local cluster.
 */
import { Client, neonConfig } from '@neondatabase/serverless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ensureLocalPostgres } from './local-postgres';
import { hostPort, startPgRelay, type PgRelay } from './pg-relay';

let databaseUrl: string;
let target: string;
let relay: PgRelay;

beforeAll(async () => {
  databaseUrl = process.env.TEST_DATABASE_URL ?? (await ensureLocalPostgres({ log: () => {} })).url;
  target = hostPort(databaseUrl);
  relay = await startPgRelay({ allow: [target] });
  // Same settings drizzle/connection.ts applies when PG_RELAY_URL is set.
  neonConfig.webSocketConstructor = WebSocket;
  neonConfig.wsProxy = (host, port) => `${relay.relayUrl}?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.forceDisablePgSSL = true;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
}, 60_000);

afterAll(() => relay?.close());

/** Opens a raw WebSocket to the relay and resolves with how it was closed. */
function closeOf(url: string): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    ws.on('error', reject);
  });
}

describe('pg relay', () => {
  it('carries a real query from the neon driver to PostgreSQL', async () => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number; s: string }>('select $1::int + 1 as n, repeat($2, 100000) as s', [41, 'x']);
      expect(rows[0]!.n).toBe(42);
      expect(rows[0]!.s).toHaveLength(100_000); // spans many frames / TCP segments
    } finally {
      await client.end();
    }
  });

  it('refuses targets that are not allow-listed, with a reason', async () => {
    const closed = await closeOf(`ws://${relay.relayUrl}?address=127.0.0.1:22`);
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/address not allowed: 127\.0\.0\.1:22/);
  });

  it('refuses other paths and a missing address', async () => {
    expect((await closeOf(`ws://127.0.0.1:${relay.port}/other?address=${target}`)).code).toBe(1008);
    expect((await closeOf(`ws://${relay.relayUrl}`)).reason).toMatch(/address not allowed: \(none\)/);
  });

  it('reports an unreachable allowed target and keeps serving', async () => {
    const dead = await startPgRelay({ allow: ['127.0.0.1:1'] });
    try {
      const closed = await closeOf(`ws://${dead.relayUrl}?address=127.0.0.1:1`);
      expect(closed.code).toBe(1011);
      expect(closed.reason).toMatch(/cannot reach 127\.0\.0\.1:1/);
    } finally {
      await dead.close();
    }
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    await client.end();
  });

  it('survives a client that vanishes mid-connection', async () => {
    const ws = new WebSocket(`ws://${relay.relayUrl}?address=${target}`);
    await new Promise((r) => ws.on('open', r));
    ws.terminate();
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    expect((await client.query('select 2 as two')).rows).toEqual([{ two: 2 }]);
    await client.end();
  });
});
