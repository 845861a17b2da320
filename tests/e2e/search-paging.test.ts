/**
 * A common prefix across my rooms, searched through /api/search/messages page after page
 * (issue 25), against `wrangler dev` and PostgreSQL: search-plan.ts reads such a query's rooms
 * backwards rather than through GIN, and the pages are still exactly the matches in
 * (created_at, room_id, seq) order, newest first, each nextCursor taking up where the page
 * ended: across rooms, with messages of several rooms at the same instant, and without the
 * deleted ones. The messages go straight into Postgres, with fresh statistics, so that the
 * prefix is common in the table whatever else the suite has stored; with filler words of a
 * large vocabulary, as real text has: Postgres estimates a prefix from its list of common words,
 * and with only a handful of words in the table it guesses 2% for any prefix.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../drizzle/connection';
import { pieceQuery, tsqueryOf } from '../../drizzle/queries/search';
import { estimateSearch, planFor, prefixesOf } from '../../drizzle/queries/search-plan';
import { schema } from '../../drizzle/schema';
import type { TestUser } from '../support/api';
import { appInfo } from '../support/app';
import { e2eApi, expectNoLeak } from '../support/e2e';

const api = e2eApi();
const ROOMS = 3;
const PER_ROOM = 2_000;
const PAGE = 20;
const PAGES = 5;

let me: TestUser;
let client: pg.Client;
const tag = `pg${crypto.randomUUID().replace(/-/g, '').slice(0, 8)}`;
/** A prefix of a word every message has (`…red`); one in five also has `…blue`, which the query leaves out. */
const query = `${tag}re -${tag}blue`;
let expected: string[];

beforeAll(async () => {
  me = await api.register('pager');
  client = new pg.Client({ connectionString: appInfo().databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ id: string }>(
    `insert into rooms (kind, name) select 'group', 'Paging ' || g from generate_series(1, $1::int) g returning id`,
    [ROOMS],
  );
  const roomIds = rows.map((r) => r.id);
  await client.query(`insert into room_members (room_id, user_id, role) select unnest($1::uuid[]), $2, 'member'`, [roomIds, me.id]);
  // Room r's message g is at second 3g + r, except every fourth g, when all rooms share an instant;
  // every ninth message is deleted. Same rule in SQL and below, for the expected order.
  await client.query(
    `insert into messages (id, room_id, seq, sender_id, client_id, content, created_at, deleted_at)
     select gen_random_uuid(), r.id, g, $2, 'paging-' || g,
       $3 || 'red ' || case when g % 5 = 0 then $3 || 'blue' else 'plain' end
         || (select string_agg(' ' || $3 || 'w' || (1 + floor(random() * 2000))::int, '') from generate_series(1, 4) k where g > 0),
       t.at, case when g % 9 = 0 then t.at end
     from unnest($1::uuid[]) with ordinality as r(id, n), generate_series(1, $4::int) g,
       lateral (select timestamptz '2026-01-01' + (3 * g + case when g % 4 = 0 then 0 else r.n end) * interval '1 second' as at) t`,
    [roomIds, me.id, tag, PER_ROOM],
  );
  await client.query('analyze messages');
  const all: { key: string; at: number; roomId: string; seq: number }[] = [];
  roomIds.forEach((roomId, i) => {
    for (let g = 1; g <= PER_ROOM; g++) {
      if (g % 5 === 0 || g % 9 === 0) continue;
      all.push({ key: `${roomId}/${g}`, at: 3 * g + (g % 4 === 0 ? 0 : i + 1), roomId, seq: g });
    }
  });
  all.sort((a, b) => b.at - a.at || (a.roomId < b.roomId ? 1 : a.roomId > b.roomId ? -1 : 0) || b.seq - a.seq);
  expected = all.map((m) => m.key);
}, 120_000);
afterAll(() => client?.end());

describe('a common prefix over all my rooms', () => {
  it('is read backwards, room by room, and pages exactly in time order', async () => {
    // The case this test is about: the estimates choose the backward reading for this query.
    const db = drizzle({ client, schema }) as unknown as Database;
    const estimate = await estimateSearch(db, tsqueryOf(query)!, prefixesOf(query).map(pieceQuery));
    expect(planFor(estimate, PAGE + 1), JSON.stringify(estimate)).toBe('backward');

    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < PAGES; page++) {
      const res = await api.request(
        'GET',
        `/api/search/messages?q=${encodeURIComponent(query)}&limit=${PAGE}${cursor ? `&cursor=${cursor}` : ''}`,
        undefined,
        me.token,
      );
      const text = await res.text();
      expect(res.status, text).toBe(200);
      expectNoLeak(text);
      const body = JSON.parse(text) as { results: { roomId: string; seq: number }[]; nextCursor: string | null };
      expect(body.results).toHaveLength(PAGE);
      expect(body.nextCursor).toEqual(expect.any(String));
      seen.push(...body.results.map((h) => `${h.roomId}/${h.seq}`));
      cursor = body.nextCursor;
    }
    expect(seen).toEqual(expected.slice(0, PAGE * PAGES));
  });
});
