/**
 * insertMessages against real Postgres, below the room object: the resend
 * branch that only Postgres can answer (the room's own cache of recent sends
 * no longer knows the clientId), which the room's tests never reach.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { api } from '../../tests/support/workerd-client';
import { drizzleOver, openPool } from '../connection';
import { insertMessages, messagesAfter, type NewMessage } from './messages';

describe('insertMessages', () => {
  it('returns a resend as first stored, stores it once, and inserts the rest of its batch', async () => {
    const [alice, bob] = [await api.register('alice'), await api.register('bob')];
    const roomId = await api.openDirect(alice, bob);
    const pool = openPool(env, { max: 1 });
    try {
      const db = drizzleOver(pool);
      const message = (clientId: string, senderId = alice.id): NewMessage => ({
        id: crypto.randomUUID(),
        senderId,
        type: 'text',
        clientId,
        content: `text of ${clientId}`,
        replyToSeq: null,
      });
      const first = await insertMessages(db, roomId, 0, [message('a'), message('b')]);
      // 'a' again, as a room that lost its cache would send it (new id). Bob's 'a' is another message.
      const second = await insertMessages(db, roomId, 2, [message('a'), message('c'), message('a', bob.id)]);

      const firstA = first.find((s) => s.clientId === 'a')!;
      const resent = second.filter((s) => s.clientId === 'a' && s.senderId === alice.id);
      expect(resent).toHaveLength(1);
      expect(resent[0]).toMatchObject({ id: firstA.id, seq: 1 });
      expect(second.map((s) => `${s.senderId === bob.id ? 'bob' : 'alice'}:${s.clientId}:${s.seq}`).sort()).toEqual(
        ['alice:a:1', 'alice:c:3', 'bob:a:4'],
      );
      const stored = await messagesAfter(db, roomId, 0, 10, 10);
      // The resend takes no seq: the new messages are numbered around it, without a gap.
      expect(stored.map((m) => `${m.clientId}:${m.seq}`)).toEqual(['a:1', 'b:2', 'c:3', 'a:4']);
    } finally {
      await pool.end();
    }
  });
});
