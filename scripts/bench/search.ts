/**
 * Message search latency over a million messages (issue 12). The messages are seeded straight
 * in Postgres (as the history phase does): `rooms` rooms of equal depth, the searching user a
 * member of `myRooms` of them, each message eight words drawn from a 5,000-word vocabulary with
 * a steep skew (w1 is in ~38% of messages, like "the"; w500 in ~0.25%), plus a rare word in
 * ten messages. The GIN index is dropped for the load and rebuilt after it (as a bulk import
 * would; the stored search_vector column is still computed row by row during the load), then
 * GET /api/search/messages is timed per kind of query, over HTTP and as the product's database
 * work alone (searchMessages on a plain connection: the plan's estimate, then its statement),
 * with the statement's plan (captured from drizzle's logger). For a prefix over all my rooms,
 * each way search-plan.ts can read the rooms is also timed forced, the old one included.
 */
import { performance } from 'node:perf_hooks';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Database } from '../../drizzle/connection';
import { sql } from 'drizzle-orm';
import { pieceQuery, searchMessages, tsqueryOf } from '../../drizzle/queries/search';
import { estimateSearch, prefixesOf, type SearchEstimate, type SearchPlan } from '../../drizzle/queries/search-plan';
import { isStatementTimeout } from '../../drizzle/queries/statement-timeout';
import { schema } from '../../drizzle/schema';
import type { AppClient, BenchUser } from './app-client';
import { round, summarize, type Summary } from './stats';

const PAGE = 20;

export interface SearchCase {
  query: string;
  scope: 'all my rooms' | 'one room';
  /** Messages in my rooms that match (the page shows the newest 20). */
  matchesInScope: number;
  /** Postgres' estimates that choose the plan (search-plan.ts); none for a query without a prefix. */
  estimate?: SearchEstimate;
  chosenPlan: SearchPlan;
  http: Summary;
  /** The product's database work alone: the estimate (when it asks one) and the search statement. */
  queryOnly: Summary;
  /**
   * Each way of reading rooms forced, SQL alone, fewer times (queries with a prefix over all my rooms): `planner` is
   * every search before issue 25's fix. `samePage`: both gave the same first page.
   */
  plans?: { planner: PlanTiming; backward: PlanTiming; samePage: boolean | null };
  plan: { executionTimeMs: number; usesSearchIndex: boolean; topNode: string; messagesScan?: MessagesScan };
}

export interface PlanTiming {
  /** Null when every run hit PLAN_TIMEOUT_MS. */
  sql: Summary | null;
  timeouts: number;
}

/** A forced plan's statement is cancelled past this (the product's own limit is SEARCH_TIMEOUT_MS, 3 s). */
const PLAN_TIMEOUT_MS = 20_000;

/** How the plan read messages (once per room under the LATERAL); row counts are per loop, as EXPLAIN gives them. */
export interface MessagesScan {
  node: string;
  loops: number;
  rowsPerLoop: number;
  /** Rows read and thrown away: by the filter (a backward scan) or the recheck (a bitmap scan, e.g. a phrase). */
  discardedPerLoop: number;
}

export interface SearchResult {
  messages: number;
  rooms: number;
  myRooms: number;
  seedMs: number;
  indexBuildMs: number;
  indexSizeMB: number;
  /** The whole messages table (heap and TOAST, without indexes) after the load. */
  tableSizeMB: number;
  /** Average stored size of search_vector and of content, in bytes: what the column costs a message. */
  searchVectorBytesPerMessage: number;
  contentBytesPerMessage: number;
  requestsPerCase: number;
  cases: Record<string, SearchCase>;
  /** Kinds of query that failed (the first error), with the rest still timed. */
  failed: Record<string, string>;
}

function planUses(node: any, index: string): boolean {
  return node['Index Name'] === index || (node.Plans ?? []).some((child: any) => planUses(child, index));
}

function messagesScan(node: any): MessagesScan | undefined {
  if (node['Relation Name'] === 'messages') {
    const index: string | undefined = node['Index Name'] ?? (node.Plans ?? []).map((c: any) => c['Index Name']).find(Boolean);
    return {
      node: `${node['Node Type']}${node['Scan Direction'] === 'Backward' ? ' Backward' : ''}${index ? ` using ${index}` : ''}`,
      loops: node['Actual Loops'],
      rowsPerLoop: round(node['Actual Rows'], 1),
      discardedPerLoop: round((node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0), 1),
    };
  }
  for (const child of node.Plans ?? []) {
    const found = messagesScan(child);
    if (found) return found;
  }
  return undefined;
}

export async function measureSearch(
  client: AppClient,
  user: BenchUser,
  databaseUrl: string,
  opts: { messages: number; rooms: number; myRooms: number; requests: number; planRequests: number; log: (m: string) => void },
): Promise<SearchResult> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    const perRoom = Math.floor(opts.messages / opts.rooms);
    const { rows: rooms } = await pool.query<{ id: string }>(
      `insert into rooms (kind, name, last_seq, last_message_at) select 'group', 'search bench ' || g, $2::bigint, now()
       from generate_series(1, $1::int) g returning id`,
      [opts.rooms, perRoom],
    );
    const roomIds = rooms.map((r) => r.id);
    await pool.query(`insert into room_members (room_id, user_id, role) select unnest($1::uuid[]), $2::uuid, 'member'`, [roomIds.slice(0, opts.myRooms), user.id]);

    const { rows: idx } = await pool.query<{ indexdef: string }>(`select indexdef from pg_indexes where indexname = 'messages_search_idx'`);
    if (!idx[0]) throw new Error('messages_search_idx is missing: is the search migration applied?');
    await pool.query('drop index messages_search_idx');
    opts.log(`search: seeding ${(perRoom * opts.rooms).toLocaleString('en')} messages in ${opts.rooms} rooms`);
    const seedStart = performance.now();
    await pool.query(
      `insert into messages (id, room_id, seq, sender_id, client_id, message_type, content, created_at)
       select gen_random_uuid(), r.id, g, $2::uuid, 'search-seed-' || g, 'text',
         (select string_agg('w' || (1 + floor(power(random(), 3) * 5000))::int, ' ') from generate_series(1, 8) k where g > 0)
           || case when g = 4321 and r.n <= 10 then ' needle' else '' end,
         now() - (($3::bigint - g) * interval '1 second') - (r.n * interval '1 millisecond')
       from (select id, row_number() over (order by id) as n from unnest($1::uuid[]) as id) r, generate_series(1::bigint, $3::bigint) g`,
      [roomIds, user.id, perRoom],
    );
    const seedMs = performance.now() - seedStart;
    opts.log(`search: seeded in ${(seedMs / 1000).toFixed(1)} s; building the GIN index`);
    const indexStart = performance.now();
    await pool.query(idx[0].indexdef);
    const indexBuildMs = performance.now() - indexStart;
    // Fresh statistics, as autoanalyze would have after such a load (the term frequencies the planner reads).
    await pool.query('analyze messages, room_members, rooms');
    const { rows: size } = await pool.query<{ bytes: string }>(`select pg_relation_size('messages_search_idx') as bytes`);
    opts.log(`search: index built in ${(indexBuildMs / 1000).toFixed(1)} s (${(Number(size[0]!.bytes) / 2 ** 20).toFixed(0)} MB)`);
    const { rows: storage } = await pool.query<{ table_bytes: string; vector_bytes: string; content_bytes: string }>(
      `select pg_table_size('messages') as table_bytes, avg(pg_column_size(search_vector)) as vector_bytes,
         avg(pg_column_size(content)) as content_bytes from messages`,
    );
    const storageRow = storage[0]!;
    opts.log(
      `search: messages table ${(Number(storageRow.table_bytes) / 2 ** 20).toFixed(0)} MB; per message ` +
        `search_vector ${Number(storageRow.vector_bytes).toFixed(0)} B, content ${Number(storageRow.content_bytes).toFixed(0)} B`,
    );

    const cases: Record<string, SearchCase> = {};
    const failed: Record<string, string> = {};
    // A plain word is a prefix (search-terms.ts: the last word from 2 letters, others from 3), as
    // people type; a quoted single word is the whole word only. Each word twice, whole and as typed.
    const plan: [string, string, boolean][] = [
      ['rare, whole word (10 matches)', '"needle"', false],
      ['rare, prefix needl*', 'needl', false],
      ['medium, whole word (~0.25% of messages)', '"w500"', false],
      ['medium, prefix w500* (w500, w5000)', 'w500', false],
      ['medium, prefix w50* (11 words)', 'w50', false],
      ['common, whole word (~38% of messages)', '"w1"', false],
      ['common, prefix w1* (1,111 words)', 'w1', false],
      ['two words, both needed (w2, w3*)', 'w2 w3', false],
      ['two prefixes, both needed (w20*, w30*)', 'w20 w30', false],
      // A phrase needs word positions, which the index does not hold: every candidate row's search_vector is re-checked.
      ['phrase', '"w1 w2"', false],
      ['common prefix w1*, within one room', 'w1', true],
    ];
    for (const [name, query, oneRoom] of plan) {
      const roomId = oneRoom ? roomIds[0] : undefined;
      try {
        cases[name] = await timeCase(client, user, pool, databaseUrl, query, roomId, opts.requests, opts.planRequests);
      } catch (err) {
        // One failing kind of query is a finding to report, not a reason to lose the others' figures.
        failed[name] = String(err).slice(0, 300);
        opts.log(`search ${name}: FAILED ${failed[name]}`);
        continue;
      }
      const c = cases[name]!;
      const scan = c.plan.messagesScan;
      const forced = (p: PlanTiming | undefined) => (p ? `${p.sql ? `p50 ${p.sql.p50} ms` : 'none finished'}${p.timeouts ? `, ${p.timeouts} timed out` : ''}` : '');
      opts.log(
        `search ${name}: http p50 ${c.http.p50} ms p99 ${c.http.p99} ms; query p50 ${c.queryOnly.p50} ms (${c.matchesInScope} matches, ` +
          `${c.estimate ? `estimated ${c.estimate.matches} in the table, prefixes ${c.estimate.prefixEntries}; ` : ''}${c.chosenPlan}); ` +
          (scan ? `${scan.node} ×${scan.loops}, ${scan.rowsPerLoop} rows kept and ${scan.discardedPerLoop} discarded per loop` : 'no scan of messages in the plan') +
          (c.plans ? `; forced: planner ${forced(c.plans.planner)}, backward ${forced(c.plans.backward)}, same page ${c.plans.samePage}` : ''),
      );
    }
    return {
      messages: perRoom * opts.rooms,
      rooms: opts.rooms,
      myRooms: opts.myRooms,
      seedMs: round(seedMs, 0),
      indexBuildMs: round(indexBuildMs, 0),
      indexSizeMB: round(Number(size[0]!.bytes) / 2 ** 20, 1),
      tableSizeMB: round(Number(storageRow.table_bytes) / 2 ** 20, 1),
      searchVectorBytesPerMessage: round(Number(storageRow.vector_bytes), 1),
      contentBytesPerMessage: round(Number(storageRow.content_bytes), 1),
      requestsPerCase: opts.requests,
      cases,
      failed,
    };
  } finally {
    await pool.end();
  }
}

/** The statements of one search as drizzle sends them: the plan's estimate (if any), then the search. */
function capturingDb(pool: pg.Pool): { db: Database; statements: { sql: string; params: unknown[] }[] } {
  const statements: { sql: string; params: unknown[] }[] = [];
  const db = drizzle({ client: pool, schema, logger: { logQuery: (sql, params) => void statements.push({ sql, params }) } });
  return { db: db as unknown as Database, statements };
}

/**
 * SQL alone of each way search.ts reads rooms, forced (`requests` times each, fewer: the old plan
 * of a medium prefix takes seconds), on a connection of its own with a statement timeout, so a
 * plan that runs for minutes is a count of timeouts rather than a stuck bench.
 */
async function timePlans(databaseUrl: string, user: BenchUser, query: string, requests: number): Promise<SearchCase['plans']> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`set statement_timeout = ${PLAN_TIMEOUT_MS}`);
    const db = drizzle({ client, schema }) as unknown as Database;
    const pages: Record<SearchPlan, unknown> = { planner: undefined, backward: undefined };
    const plans = {} as NonNullable<SearchCase['plans']>;
    for (const plan of ['planner', 'backward'] as const) {
      const times: number[] = [];
      let timeouts = 0;
      for (let i = 0; i < requests; i++) {
        const t0 = performance.now();
        try {
          const page = await searchMessages(db, { userId: user.id, query, limit: PAGE, plan });
          pages[plan] ??= page;
          times.push(performance.now() - t0);
        } catch (err) {
          if (!isStatementTimeout(err)) throw err;
          timeouts += 1;
        }
      }
      plans[plan] = { sql: times.length ? summarize(times) : null, timeouts };
    }
    const bothPaged = pages.planner !== undefined && pages.backward !== undefined;
    plans.samePage = bothPaged ? JSON.stringify(pages.planner) === JSON.stringify(pages.backward) : null;
    return plans;
  } finally {
    await client.end();
  }
}

async function timeCase(
  client: AppClient,
  user: BenchUser,
  pool: pg.Pool,
  databaseUrl: string,
  query: string,
  roomId: string | undefined,
  requests: number,
  planRequests: number,
): Promise<SearchCase> {
  const { db, statements } = capturingDb(pool);
  await searchMessages(db, { userId: user.id, query, roomId, limit: PAGE });
  const captured = statements.at(-1);
  if (!captured) throw new Error('drizzle logged no query for searchMessages');
  const chosen: SearchPlan = captured.sql.includes('ts_match_vq') ? 'backward' : 'planner';
  const path = `/api/search/messages?q=${encodeURIComponent(query)}&limit=${PAGE}${roomId ? `&roomId=${roomId}` : ''}`;
  for (let i = 0; i < 3; i++) await client.json('GET', path, undefined, user.token);
  const http: number[] = [];
  for (let i = 0; i < requests; i++) {
    const t0 = performance.now();
    await client.json('GET', path, undefined, user.token);
    http.push(performance.now() - t0);
  }
  // The product's whole database work for one search: the plan's estimate, then its statement.
  const queryOnly: number[] = [];
  const quiet = drizzle({ client: pool, schema }) as unknown as Database;
  for (let i = 0; i < requests; i++) {
    const t0 = performance.now();
    await searchMessages(quiet, { userId: user.id, query, roomId, limit: PAGE });
    queryOnly.push(performance.now() - t0);
  }
  const { rows } = await pool.query(`explain (analyze, format json) ${captured.sql}`, captured.params);
  const root = (rows[0]['QUERY PLAN'] as any[])[0];
  // Matches as the product reads the query (prefixes included): its own tsquery.
  const { rows: count } = await db.execute<{ n: string }>(
    sql`select count(*) as n from messages m join room_members me on me.room_id = m.room_id and me.user_id = ${user.id}
        where m.search_vector @@ (${tsqueryOf(query)}) ${roomId ? sql`and m.room_id = ${roomId}` : sql``}`,
  );
  const tsquery = tsqueryOf(query)!;
  const prefixes = prefixesOf(query).map(pieceQuery);
  return {
    query,
    scope: roomId ? 'one room' : 'all my rooms',
    matchesInScope: Number(count[0]!.n),
    estimate: prefixes.length ? await estimateSearch(quiet, tsquery, prefixes) : undefined,
    chosenPlan: chosen,
    http: summarize(http),
    queryOnly: summarize(queryOnly),
    plans: roomId || !prefixes.length ? undefined : await timePlans(databaseUrl, user, query, planRequests),
    plan: {
      executionTimeMs: round(root['Execution Time'], 2),
      usesSearchIndex: planUses(root.Plan, 'messages_search_idx'),
      topNode: root.Plan['Node Type'],
      messagesScan: messagesScan(root.Plan),
    },
  };
}
