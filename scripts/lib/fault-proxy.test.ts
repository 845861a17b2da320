/**
 * The fault proxy in front of a real PostgreSQL (the one `npm test` prepared,
 * TEST_DATABASE_URL, else the project's local cluster), driven by the `pg` client.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, FrontendQueryParser, type FaultProxy } from './fault-proxy';
import { ensureLocalPostgres } from './local-postgres';
import { hostPort } from './pg-relay';

let databaseUrl: string;
let proxy: FaultProxy;
const table = `fault_proxy_test_${process.pid}`;
const clients: pg.Client[] = [];

/** The database URL with the proxy as its host:port. */
function viaProxy(): string {
  const url = new URL(databaseUrl);
  url.host = proxy.address;
  return url.toString();
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {}); // a cut connection errors; the test looks at the query's outcome
  clients.push(client);
  await client.connect();
  return client;
}

async function direct<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = await connect(databaseUrl);
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  databaseUrl = process.env.TEST_DATABASE_URL ?? (await ensureLocalPostgres({ log: () => {} })).url;
  proxy = await startFaultProxy({ target: hostPort(databaseUrl) });
  await direct(`create table if not exists ${table} (id int primary key, note text)`);
}, 60_000);

afterEach(async () => {
  proxy.comeBack();
  proxy.thaw();
  proxy.delayMs = 0;
  await Promise.all(clients.splice(0).map((c) => c.end().catch(() => {})));
});

afterAll(async () => {
  await direct(`drop table if exists ${table}`).catch(() => {});
  await proxy?.close();
});

describe('fault proxy', () => {
  it('passes queries through unchanged, and sees their texts', async () => {
    const client = await connect(viaProxy());
    const { rows } = await client.query<{ n: number }>('select $1::int + 1 as n', [41]);
    expect(rows[0]!.n).toBe(42);
    expect(proxy.recentQueries).toContain('select $1::int + 1 as n');
    expect(proxy.connections).toBe(1);
  });

  it('adds the one-way delay in each direction', async () => {
    const client = await connect(viaProxy());
    await client.query('select 1');
    const t0 = performance.now();
    await client.query('select 1');
    const fast = performance.now() - t0;
    proxy.delayMs = 60;
    const t1 = performance.now();
    await client.query('select 1');
    const slow = performance.now() - t1;
    expect(slow).toBeGreaterThanOrEqual(120); // 60 ms there, 60 ms back
    expect(slow - fast).toBeLessThan(400);
  });

  it('holds every byte while frozen and delivers them, in order, when thawed', async () => {
    const client = await connect(viaProxy());
    proxy.freeze();
    let settled = false;
    const pending = client.query<{ n: string }>('select 7 as n').finally(() => (settled = true));
    const second = client.query<{ n: string }>('select 8 as n');
    await new Promise((r) => setTimeout(r, 400));
    expect(settled).toBe(false);
    proxy.thaw();
    expect((await pending).rows[0]!.n).toBe(7);
    expect((await second).rows[0]!.n).toBe(8);
  });

  it('cuts the connection after a COMMIT reached Postgres and before its reply came back', async () => {
    proxy.delayMs = 20;
    const client = await connect(viaProxy());
    await client.query('begin');
    // A parameter that reads COMMIT is content, not a COMMIT: no cut here.
    const cut = proxy.cutAfterCommit();
    await client.query(`insert into ${table} (id, note) values ($1, $2)`, [1, 'COMMIT']);
    const commit = client.query('commit');
    await expect(commit).rejects.toThrow();
    const report = await cut;
    expect(report).toEqual({ query: 'commit', replyDropped: true });
    // The client never heard back, but the transaction is committed.
    expect(await direct(`select id, note from ${table} where id = 1`)).toEqual([{ id: 1, note: 'COMMIT' }]);
    // Other connections are untouched; new ones work.
    const again = await connect(viaProxy());
    expect((await again.query('select 1 as n')).rows[0].n).toBe(1);
  });

  it('drops every connection on killAll', async () => {
    const a = await connect(viaProxy());
    const b = await connect(viaProxy());
    await Promise.all([a.query('select 1'), b.query('select 1')]);
    expect(proxy.connections).toBe(2);
    const sleeping = a.query('select pg_sleep(5)');
    await new Promise((r) => setTimeout(r, 100));
    proxy.killAll();
    await expect(sleeping).rejects.toThrow();
    await expect(b.query('select 1')).rejects.toThrow();
    expect(proxy.connections).toBe(0);
  });

  it('while down, drops open connections and leaves new ones unanswered; after, serves again', async () => {
    const open = await connect(viaProxy());
    await open.query('select 1');
    proxy.goDown();
    await expect(open.query('select 1')).rejects.toThrow();
    const attempt = new pg.Client({ connectionString: viaProxy(), connectionTimeoutMillis: 500 });
    attempt.on('error', () => {});
    const t0 = performance.now();
    await expect(attempt.connect()).rejects.toThrow(/timeout/i);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(450); // held, not refused
    expect(proxy.down).toBe(true);
    proxy.comeBack();
    const again = await connect(viaProxy());
    expect((await again.query('select 2 as n')).rows[0].n).toBe(2);
  });
});

describe('frontend query parser', () => {
  const message = (type: string, body: Buffer) => {
    const header = Buffer.alloc(5);
    header.write(type, 0, 'latin1');
    header.writeInt32BE(body.length + 4, 1);
    return Buffer.concat([header, body]);
  };
  const startup = () => {
    const body = Buffer.from('user\0postgres\0\0');
    const head = Buffer.alloc(8);
    head.writeInt32BE(body.length + 8, 0);
    head.writeInt32BE(196608, 4);
    return Buffer.concat([head, body]);
  };

  it('finds simple and extended query texts across chunk boundaries, after the start-up', () => {
    const parser = new FrontendQueryParser();
    const stream = Buffer.concat([
      startup(),
      message('Q', Buffer.from('BEGIN\0')),
      message('P', Buffer.from('stmt\0insert into t values ($1)\0\0\0')),
      message('B', Buffer.from('\0stmt\0\0\0\0\x01\0\0\0\x06COMMIT\0\0')),
      message('Q', Buffer.from('COMMIT\0')),
    ]);
    const found: string[] = [];
    for (let i = 0; i < stream.length; i += 7) found.push(...parser.feed(stream.subarray(i, i + 7)));
    expect(found).toEqual(['BEGIN', 'insert into t values ($1)', 'COMMIT']);
  });

  it('gives up on bytes that are not the protocol', () => {
    const parser = new FrontendQueryParser();
    expect(parser.feed(Buffer.from([0, 0, 0, 1, 2, 3, 4, 5]))).toEqual([]);
    expect(parser.feed(message('Q', Buffer.from('COMMIT\0')))).toEqual([]);
  });
});
