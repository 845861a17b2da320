/**
 * The relay's HTTP query endpoint against a real PostgreSQL, driven by the same
 * driver call the Worker makes (`Pool.query` via fetch is `neon()` underneath).
 */
import { neon, neonConfig, type NeonQueryFunction } from '@neondatabase/serverless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLocalPostgres } from './local-postgres';
import { hostPort, startPgRelay, type PgRelay } from './pg-relay';

let databaseUrl: string;
let relay: PgRelay;
let sql: NeonQueryFunction<false, true>;

beforeAll(async () => {
  databaseUrl = process.env.TEST_DATABASE_URL ?? (await ensureLocalPostgres({ log: () => {} })).url;
  relay = await startPgRelay({ allow: [hostPort(databaseUrl)] });
  // What drizzle/connection.ts sets when PG_RELAY_URL is set.
  neonConfig.fetchEndpoint = `http://${relay.relayUrl}/sql?address=${hostPort(databaseUrl)}`;
  sql = neon(databaseUrl, { fullResults: true });
}, 60_000);

afterAll(() => relay?.close());

describe('the relay’s HTTP query endpoint', () => {
  it('runs a statement with parameters and returns values the driver parses by type', async () => {
    const result = await sql.query(
      `select $1::int + 1 as n, $2::text as s, null::text as nothing, '2026-01-02T03:04:05Z'::timestamptz as at,
              '{"a":[1,2]}'::jsonb as doc, array['x','y']::text[] as list`,
      [41, 'héllo'],
    );
    expect(result.rows).toEqual([{ n: 42, s: 'héllo', nothing: null, at: new Date('2026-01-02T03:04:05Z'), doc: { a: [1, 2] }, list: ['x', 'y'] }]);
    expect(result.command).toBe('SELECT');
  });

  it('answers a statement on a connection it keeps: the same server process each time', async () => {
    const pids = new Set<number>();
    for (let i = 0; i < 5; i++) pids.add((await sql.query('select pg_backend_pid() as pid')).rows[0]!.pid as number);
    expect(pids.size).toBe(1);
  });

  it('hands back Postgres errors with their code, as Neon’s endpoint does', async () => {
    const err = (await sql.query('selec 1').catch((e: unknown) => e)) as { code?: string; message: string };
    expect(err.code).toBe('42601');
    expect(err.message).toMatch(/syntax error/);
  });

  it('refuses addresses that are not allow-listed', async () => {
    const res = await fetch(`http://${relay.relayUrl}/sql?address=127.0.0.1:22`, {
      method: 'POST',
      headers: { 'neon-connection-string': databaseUrl },
      body: JSON.stringify({ query: 'select 1', params: [] }),
    });
    expect(res.status).toBe(403);
  });
});
