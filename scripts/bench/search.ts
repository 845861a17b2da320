/**
 * Message search latency over a million messages (issue 12). The messages are seeded straight
 * in Postgres (as the history phase does): `rooms` rooms of equal depth, the searching user a
 * member of `myRooms` of them, each message eight words drawn from a 5,000-word vocabulary with
 * a steep skew (w1 is in ~38% of messages, like "the"; w500 in ~0.25%), plus a rare word in
 * ten messages. The GIN index is dropped for the load and rebuilt after it (as a bulk import
 * would; the stored search_vector column is still computed row by row during the load), then
 * GET /api/search/messages is timed per kind of query, over HTTP and as the bare SQL (captured
 * from drizzle's logger, so it is the product's statement), with its plan.
 */
import { performance } from 'node:perf_hooks';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Database } from '../../drizzle/connection';
import { searchMessages } from '../../drizzle/queries/search';
import { schema } from '../../drizzle/schema';
import type { AppClient, BenchUser } from './app-client';
import { round, summarize, type Summary } from './stats';

const PAGE = 20;

export interface SearchCase {
  query: string;
  scope: 'all my rooms' | 'one room';
  /** Messages in my rooms that match (the page shows the newest 20). */
  matchesInScope: number;
  http: Summary;
  queryOnly: Summary;
  plan: { executionTimeMs: number; usesSearchIndex: boolean; topNode: string; messagesScan?: MessagesScan };
}

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
  opts: { messages: number; rooms: number; myRooms: number; requests: number; log: (m: string) => void },
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
    const plan: [string, string, boolean][] = [
      ['rare (10 matches)', 'needle', false],
      ['medium (~0.25% of messages)', 'w500', false],
      ['common (~38% of messages)', 'w1', false],
      ['two words, both needed', 'w2 w3', false],
      // A phrase needs word positions, which the index does not hold: every candidate row's search_vector is re-checked.
      ['phrase', '"w1 w2"', false],
      ['common, within one room', 'w1', true],
    ];
    for (const [name, query, oneRoom] of plan) {
      const roomId = oneRoom ? roomIds[0] : undefined;
      cases[name] = await timeCase(client, user, pool, query, roomId, opts.requests);
      const c = cases[name]!;
      const scan = c.plan.messagesScan;
      opts.log(
        `search ${name}: http p50 ${c.http.p50} ms p99 ${c.http.p99} ms; query p50 ${c.queryOnly.p50} ms (${c.matchesInScope} matches); ` +
          (scan ? `${scan.node} ×${scan.loops}, ${scan.rowsPerLoop} rows kept and ${scan.discardedPerLoop} discarded per loop` : 'no scan of messages in the plan'),
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
    };
  } finally {
    await pool.end();
  }
}

async function timeCase(client: AppClient, user: BenchUser, pool: pg.Pool, query: string, roomId: string | undefined, requests: number): Promise<SearchCase> {
  let captured: { sql: string; params: unknown[] } | undefined;
  const db = drizzle({ client: pool, schema, logger: { logQuery: (sql, params) => void (captured ??= { sql, params }) } });
  await searchMessages(db as unknown as Database, { userId: user.id, query, roomId, limit: PAGE });
  if (!captured) throw new Error('drizzle logged no query for searchMessages');
  const path = `/api/search/messages?q=${encodeURIComponent(query)}&limit=${PAGE}${roomId ? `&roomId=${roomId}` : ''}`;
  for (let i = 0; i < 3; i++) await client.json('GET', path, undefined, user.token);
  const http: number[] = [];
  for (let i = 0; i < requests; i++) {
    const t0 = performance.now();
    await client.json('GET', path, undefined, user.token);
    http.push(performance.now() - t0);
  }
  const queryOnly: number[] = [];
  for (let i = 0; i < requests; i++) {
    const t0 = performance.now();
    await pool.query(captured.sql, captured.params);
    queryOnly.push(performance.now() - t0);
  }
  const { rows } = await pool.query(`explain (analyze, format json) ${captured.sql}`, captured.params);
  const root = (rows[0]['QUERY PLAN'] as any[])[0];
  const { rows: count } = await pool.query<{ n: string }>(
    `select count(*) as n from messages m join room_members me on me.room_id = m.room_id and me.user_id = $1
     where m.search_vector @@ websearch_to_tsquery('simple', $2) ${roomId ? 'and m.room_id = $3' : ''}`,
    roomId ? [user.id, query, roomId] : [user.id, query],
  );
  return {
    query,
    scope: roomId ? 'one room' : 'all my rooms',
    matchesInScope: Number(count[0]!.n),
    http: summarize(http),
    queryOnly: summarize(queryOnly),
    plan: {
      executionTimeMs: round(root['Execution Time'], 2),
      usesSearchIndex: planUses(root.Plan, 'messages_search_idx'),
      topNode: root.Plan['Node Type'],
      messagesScan: messagesScan(root.Plan),
    },
  };
}
