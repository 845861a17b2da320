/**
 * writeRoomLog (the room's outbox flush) against real Postgres, below the room
 * object: replays change nothing, later states replace earlier ones (edits,
 * tombstones, reactions, and the search words Postgres generates from the text),
 * read cursors only move forward, and a clientId that Postgres holds under
 * another seq cannot make the flush fail forever.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { api } from '../../tests/support/workerd-client';
import { wireMessage } from '../../tests/support/wire-messages';
import { drizzleOver, openPool } from '../connection';
import { messagesAfter, writeRoomLog } from './messages';

const message = (roomId: string, seq: number, senderId: string, clientId = `c${seq}`) => wireMessage(roomId, seq, senderId, { clientId });

describe('writeRoomLog', () => {
  it('is idempotent, applies the latest state of each message, and keeps seqs gapless', async () => {
    const [alice, bob] = [await api.register('alice'), await api.register('bob')];
    const roomId = await api.openDirect(alice, bob);
    const pool = openPool(env, { max: 1 });
    try {
      const db = drizzleOver(pool);
      const first = [message(roomId, 1, alice.id), message(roomId, 2, bob.id), message(roomId, 3, alice.id)];
      await writeRoomLog(db, roomId, first, [{ userId: bob.id, seq: 2 }]);
      // The same flush again, as after a reply lost in transit: nothing changes.
      await writeRoomLog(db, roomId, first, [{ userId: bob.id, seq: 2 }]);

      const edited = { ...first[0]!, content: 'edited', editedAt: new Date().toISOString(), reactions: [{ emoji: '👍', userIds: [bob.id] }] };
      const deleted = { ...first[1]!, content: '', deletedAt: new Date().toISOString() };
      // Seq 4 reuses alice's clientId of seq 1: a resend the room had forgotten. It must still land.
      const resend = message(roomId, 4, alice.id, 'c1');
      await writeRoomLog(db, roomId, [edited, deleted, resend], [{ userId: bob.id, seq: 1 }]);

      const stored = await messagesAfter(db, roomId, 0, 10, 10);
      expect(stored.map((m) => [m.seq, m.content, m.reactions.length])).toEqual([
        [1, 'edited', 1],
        [2, '', 0],
        [3, 'text 3', 0],
        [4, 'text 4', 0],
      ]);
      expect(stored[3]!.clientId).toBe('c1:seq4');
      // search_vector is generated: the upsert leaves it alone and Postgres recomputes it from the edit and the tombstone.
      const { rows: words } = await pool.query<{ words: string }>(
        `select search_vector::text as words from messages where room_id = $1 order by seq`,
        [roomId],
      );
      expect(words.map((r) => r.words)).toEqual([`'edited':1`, '', `'3':2 'text':1`, `'4':2 'text':1`]);
      // Reactions are replaced by the room's current set.
      await writeRoomLog(db, roomId, [{ ...edited, reactions: [] }], []);
      expect((await messagesAfter(db, roomId, 0, 1, 1))[0]!.reactions).toEqual([]);

      const { rows } = await pool.query<{ last_seq: string; last_read_seq: string }>(
        `select r.last_seq, m.last_read_seq from rooms r join room_members m on m.room_id = r.id where r.id = $1 and m.user_id = $2`,
        [roomId, bob.id],
      );
      // The cursor moved to 2 and did not move back to 1.
      expect(rows[0]).toEqual({ last_seq: '4', last_read_seq: '2' });
    } finally {
      await pool.end();
    }
  });
});
