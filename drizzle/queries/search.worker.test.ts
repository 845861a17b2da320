/**
 * searchMessages against real Postgres, with each way of reading rooms forced (search-plan.ts):
 * the planner's (GIN or backward, as Postgres likes) and the backward reading chosen for a
 * common prefix give the same pages and cursors, page after page, and both give exactly the
 * matches in (created_at, room_id, seq) order, newest first: across rooms, with messages of
 * two rooms at the same instant, deleted and system messages left out.
 */
import { env } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { api } from '../../tests/support/workerd-client';
import { drizzleOver, openPool, type Database } from '../connection';
import { searchMessages, type SearchCursor } from './search';
import type { SearchPlan } from './search-plan';
import { matchesSearchQuery, parseSearchQuery } from './search-terms';

const ROOMS = 4;
const PER_ROOM = 30;

interface Seeded {
  roomId: string;
  seq: number;
  content: string;
  createdAt: number;
  live: boolean;
}

/** Every search page of `query` for `userId`, following nextCursor to the end. */
async function allPages(db: Database, userId: string, query: string, plan: SearchPlan, limit: number) {
  const pages: { keys: string[]; next: SearchCursor | null }[] = [];
  let before: SearchCursor | undefined;
  do {
    const { hits, next } = await searchMessages(db, { userId, query, before, limit, plan });
    pages.push({ keys: hits.map((h) => `${h.roomId}/${h.seq}`), next });
    before = next ?? undefined;
  } while (before && pages.length < 100);
  return pages;
}

describe('searchMessages, both ways of reading rooms', () => {
  it('pages through the same matches in the same order with the same cursors', async () => {
    const me = await api.register('seeker');
    const tag = `px${crypto.randomUUID().replace(/-/g, '').slice(0, 8)}`;
    const pool = openPool(env, { max: 1 });
    try {
      const db = drizzleOver(pool);
      const { rows: rooms } = await db.execute<{ id: string }>(
        sql`insert into rooms (kind, name) select 'group', 'Search plans ' || g from generate_series(1, ${ROOMS}::int) g returning id`,
      );
      const roomIds = rooms.map((r) => r.id);
      await db.execute(sql`insert into room_members (room_id, user_id, role) select unnest(string_to_array(${roomIds.join(',')}, ','))::uuid, ${me.id}::uuid, 'member'`);

      // Rooms interleaved in time; every third step two rooms share an instant (room_id decides).
      const base = Date.now() - 3_600_000;
      const seeded: Seeded[] = [];
      for (let r = 0; r < ROOMS; r++) {
        for (let seq = 1; seq <= PER_ROOM; seq++) {
          const step = seq * ROOMS + (seq % 3 === 0 ? 0 : r);
          const words = [`${tag}${'abc'[seq % 3]}`, seq % 4 === 0 ? `${tag}ab` : 'plain', seq % 5 === 0 ? 'extra' : 'filler'];
          seeded.push({ roomId: roomIds[r]!, seq, content: words.join(' '), createdAt: base + step * 1000, live: seq % 7 !== 0 });
        }
      }
      await db.execute(sql`
        insert into messages (id, room_id, seq, sender_id, client_id, message_type, content, created_at, deleted_at)
        select gen_random_uuid(), s.room_id, s.seq, ${me.id}::uuid, 'plan-' || s.seq, s.kind, s.content, s.created_at, s.deleted_at
        from jsonb_to_recordset(${JSON.stringify(
          seeded.map((m, i) => ({
            room_id: m.roomId,
            seq: m.seq,
            content: m.content,
            created_at: new Date(m.createdAt).toISOString(),
            // Every 7th message is gone: deleted, or (alternately) a system line, which search leaves out too.
            kind: m.live || i % 2 ? 'text' : 'system',
            deleted_at: m.live || !(i % 2) ? null : new Date(m.createdAt).toISOString(),
          })),
        )}::jsonb) as s(room_id uuid, seq bigint, content text, created_at timestamptz, kind text, deleted_at timestamptz)
      `);

      for (const query of [`${tag}a`, `${tag}ab`, `${tag}b or ${tag}c`, `${tag} extra`, `${tag}a -plain`, `"${tag}ab"`]) {
        const expected = seeded
          .filter((m) => m.live && matchesSearchQuery(m.content, parseSearchQuery(query)))
          .sort((a, b) => b.createdAt - a.createdAt || (b.roomId > a.roomId ? 1 : b.roomId < a.roomId ? -1 : 0) || b.seq - a.seq)
          .map((m) => `${m.roomId}/${m.seq}`);
        expect(expected.length, query).toBeGreaterThan(4);
        for (const limit of [4, 7]) {
          const byPlanner = await allPages(db, me.id, query, 'planner', limit);
          const backward = await allPages(db, me.id, query, 'backward', limit);
          expect(backward, `${query}, ${limit} a page`).toEqual(byPlanner);
          expect(byPlanner.flatMap((p) => p.keys), `${query}, ${limit} a page`).toEqual(expected);
          expect(byPlanner.every((p) => p.keys.length === limit || p.next === null)).toBe(true);
        }
      }
    } finally {
      await pool.end();
    }
  });
});
