/**
 * History page latency against depth. Rooms are seeded straight in Postgres
 * (one INSERT ... SELECT generate_series per room: a million rows through the
 * API would take the whole time budget), then GET /api/rooms/:id/messages is
 * timed for the newest page and for a page in the middle (before=depth/2).
 * Keyset pagination on the (room_id, seq) index should make both flat with
 * depth; EXPLAIN (ANALYZE) of the very SQL the product sends (captured from
 * drizzle's logger, not retyped) shows the plan and the server-side time.
 */
import { performance } from 'node:perf_hooks';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Database } from '../../drizzle/connection';
import { messagesBefore } from '../../drizzle/queries/messages';
import { schema } from '../../drizzle/schema';
import type { AppClient, BenchUser } from './app-client';
import { ratio, round, summarize, type Summary } from './stats';

const PAGE = 50;

export interface PlanSummary {
  /** The plan's top node, e.g. "Limit". */
  topNode: string;
  /** The node that reads messages, e.g. "Index Scan Backward". */
  scanNode: string | null;
  indexName: string | null;
  executionTimeMs: number;
  planningTimeMs: number;
  /** Buffers the scan touched (shared hit + read): flat with depth if the index does its job. */
  sharedBuffers: number;
}

export interface PageTiming {
  /** Over HTTP: Worker auth + membership check + the query, each request its own Postgres connection. */
  http: Summary;
  /** The same SQL run directly over TCP on one open connection: the query's own cost. */
  queryOnly: Summary;
  plan: PlanSummary;
  rowsReturned: number;
}

export interface DepthResult {
  depth: number;
  seedMs: number | null;
  newest: PageTiming;
  middle: PageTiming | null;
}

export interface HistoryResult {
  requestsPerCase: number;
  depths: DepthResult[];
  /** p50 at the deepest room / p50 at depth 0, over HTTP and query-only: ~1 means flat. */
  flatness: Record<string, number | null>;
}

/** The SQL and parameters messagesBefore sends, captured from drizzle's logger. */
async function capturedHistoryQuery(pool: pg.Pool, roomId: string, before: number | undefined) {
  let captured: { sql: string; params: unknown[] } | undefined;
  const db = drizzle({
    client: pool,
    schema,
    logger: { logQuery: (sql, params) => void (captured ??= { sql, params }) },
  });
  await messagesBefore(db as unknown as Database, roomId, before, PAGE);
  if (!captured) throw new Error('drizzle logged no query for messagesBefore');
  return captured;
}

function findScan(node: any): any {
  if (/Scan/.test(node['Node Type']) && node['Relation Name'] === 'messages') return node;
  for (const child of node.Plans ?? []) {
    const found = findScan(child);
    if (found) return found;
  }
  return undefined;
}

async function explain(pool: pg.Pool, query: { sql: string; params: unknown[] }): Promise<PlanSummary> {
  const { rows } = await pool.query(`explain (analyze, buffers, format json) ${query.sql}`, query.params);
  const root = (rows[0]['QUERY PLAN'] as any[])[0];
  const scan = findScan(root.Plan);
  return {
    topNode: root.Plan['Node Type'],
    // As EXPLAIN's text format names it: JSON keeps the direction in a field of its own.
    scanNode: scan ? `${scan['Node Type']}${scan['Scan Direction'] === 'Backward' ? ' Backward' : ''}` : null,
    indexName: scan?.['Index Name'] ?? null,
    executionTimeMs: round(root['Execution Time'], 3),
    planningTimeMs: round(root['Planning Time'], 3),
    sharedBuffers: (scan?.['Shared Hit Blocks'] ?? 0) + (scan?.['Shared Read Blocks'] ?? 0),
  };
}

async function timePage(
  client: AppClient,
  user: BenchUser,
  pool: pg.Pool,
  roomId: string,
  before: number | undefined,
  requests: number,
): Promise<PageTiming> {
  const path = `/api/rooms/${roomId}/messages?limit=${PAGE}${before === undefined ? '' : `&before=${before}`}`;
  const query = await capturedHistoryQuery(pool, roomId, before);
  let rowsReturned = 0;
  // Warm-up: the Worker's code paths and Postgres' buffer cache, as a live server would have them.
  for (let i = 0; i < 5; i++) await client.json('GET', path, undefined, user.token);
  const http: number[] = [];
  for (let i = 0; i < requests; i++) {
    const t0 = performance.now();
    const body = await client.json<{ messages: unknown[] }>('GET', path, undefined, user.token);
    http.push(performance.now() - t0);
    rowsReturned = body.messages.length;
  }
  const queryOnly: number[] = [];
  for (let i = 0; i < requests; i++) {
    const t0 = performance.now();
    await pool.query(query.sql, query.params);
    queryOnly.push(performance.now() - t0);
  }
  return { http: summarize(http), queryOnly: summarize(queryOnly), plan: await explain(pool, query), rowsReturned };
}

/** Seeds `depth` messages in one statement; returns how long it took (ms). */
export async function seed(pool: pg.Pool, roomId: string, senderId: string, depth: number): Promise<number> {
  const t0 = performance.now();
  await pool.query(
    `insert into messages (id, room_id, seq, sender_id, client_id, message_type, content, created_at)
     select gen_random_uuid(), $1::uuid, g, $2::uuid, 'seed-' || g, 'text',
            'seeded history message number ' || g, now() - (($3::bigint - g) * interval '1 second')
     from generate_series(1::bigint, $3::bigint) g`,
    [roomId, senderId, depth],
  );
  await pool.query('update rooms set last_seq = $2, last_message_at = now() where id = $1', [roomId, depth]);
  return performance.now() - t0;
}

export async function measureHistory(
  client: AppClient,
  user: BenchUser,
  databaseUrl: string,
  opts: { depths: number[]; requests: number; log: (m: string) => void },
): Promise<HistoryResult> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    const rooms: { depth: number; roomId: string; seedMs: number | null }[] = [];
    for (const depth of opts.depths) {
      const roomId = await client.createGroup(user, `history ${depth}`, [user]);
      let seedMs: number | null = null;
      if (depth > 0) {
        opts.log(`history: seeding ${depth.toLocaleString('en')} messages`);
        seedMs = round(await seed(pool, roomId, user.id, depth), 0);
        opts.log(`history: seeded ${depth.toLocaleString('en')} in ${(seedMs / 1000).toFixed(1)} s`);
      }
      rooms.push({ depth, roomId, seedMs });
    }
    // Fresh statistics after bulk loading, as autoanalyze would produce shortly after.
    const analyzeStart = performance.now();
    await pool.query('analyze messages');
    opts.log(`history: analyze messages in ${((performance.now() - analyzeStart) / 1000).toFixed(1)} s`);
    const depths: DepthResult[] = [];
    for (const { depth, roomId, seedMs } of rooms) {
      const newest = await timePage(client, user, pool, roomId, undefined, opts.requests);
      const middle = depth > 0 ? await timePage(client, user, pool, roomId, Math.floor(depth / 2), opts.requests) : null;
      depths.push({ depth, seedMs, newest, middle });
      opts.log(
        `history ${depth}: newest p50 ${newest.http.p50} ms` +
          (middle ? `, middle p50 ${middle.http.p50} ms` : '') +
          ` (query ${newest.plan.executionTimeMs} ms, ${newest.plan.scanNode} on ${newest.plan.indexName})`,
      );
    }
    const shallow = depths[0]!;
    const deep = depths.at(-1)!;
    return {
      requestsPerCase: opts.requests,
      depths,
      flatness: {
        [`newestHttpP50_${deep.depth}_vs_${shallow.depth}`]: ratio(deep.newest.http.p50, shallow.newest.http.p50),
        [`newestQueryP50_${deep.depth}_vs_${shallow.depth}`]: ratio(deep.newest.queryOnly.p50, shallow.newest.queryOnly.p50),
        [`middleHttpP50_${deep.depth}_vs_newest_${shallow.depth}`]: deep.middle ? ratio(deep.middle.http.p50, shallow.newest.http.p50) : null,
      },
    };
  } finally {
    await pool.end();
  }
}
