/** The distinct-reaction cap as Postgres enforces it, including concurrent new emoji. */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { MAX_DISTINCT_REACTIONS } from '../../durable-objects/room/reaction-limits';
import { api } from '../../tests/support/workerd-client';
import { drizzleOver, openPool } from '../connection';
import { addReactionWithinCap } from './reaction-cap';

const emoji = (i: number) => String.fromCodePoint(0x1f600 + i);

describe('addReactionWithinCap', () => {
  it(`stores at most ${MAX_DISTINCT_REACTIONS} distinct emoji on a message, even when added at once`, async () => {
    const [alice, bob] = [await api.register('alice'), await api.register('bob')];
    const roomId = await api.openDirect(alice, bob);
    const pool = openPool(env, { max: 4 });
    try {
      const db = drizzleOver(pool);
      const results = await Promise.all(
        Array.from({ length: MAX_DISTINCT_REACTIONS + 5 }, (_, i) => addReactionWithinCap(db, roomId, 1, i % 2 ? alice.id : bob.id, emoji(i))),
      );
      expect(results.filter(Boolean)).toHaveLength(MAX_DISTINCT_REACTIONS);
      const { rows } = await pool.query('select count(distinct emoji)::int as n from message_reactions where room_id = $1 and seq = 1', [roomId]);
      expect(rows[0].n).toBe(MAX_DISTINCT_REACTIONS);
      // At the cap, one more of an emoji already there is still fine.
      const present = (await pool.query('select emoji from message_reactions where room_id = $1 limit 1', [roomId])).rows[0].emoji as string;
      const carol = await api.register('carol');
      expect(await addReactionWithinCap(db, roomId, 1, carol.id, present)).toBe(true);
      expect(await addReactionWithinCap(db, roomId, 1, carol.id, '🦄')).toBe(false);
    } finally {
      await pool.end();
    }
  });
});
