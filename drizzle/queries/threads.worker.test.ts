/**
 * Reply counts in Postgres (writeRoomLog and recountThread) against real Postgres: a root
 * in the batch keeps the summary the room counted; a root older than the room's tail (not
 * in the batch) is counted here, over the replies stored and those in the batch, through
 * replays and deletes.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { api } from '../../tests/support/workerd-client';
import { wireMessage } from '../../tests/support/wire-messages';
import { drizzleOver, openPool } from '../connection';
import { messageBySeq, writeRoomLog } from './messages';
import { recountThread, threadRepliesBetween } from './threads';

const message = wireMessage;

describe('thread counts in Postgres', () => {
  it('counts an older root over stored and flushed replies, and keeps a batch root as the room counted it', async () => {
    const [alice, bob] = [await api.register('alice'), await api.register('bob')];
    const roomId = await api.openDirect(alice, bob);
    const pool = openPool(env, { max: 1 });
    try {
      const db = drizzleOver(pool);
      const root = message(roomId, 1, alice.id);
      const firstReply = message(roomId, 2, bob.id, { threadRootSeq: 1 });
      // The room counted one reply and flushes the root with it.
      await writeRoomLog(db, roomId, [{ ...root, thread: { replyCount: 1, lastReplyAt: firstReply.createdAt } }, firstReply], []);
      expect((await messageBySeq(db, roomId, 1))!.thread).toEqual({ replyCount: 1, lastReplyAt: firstReply.createdAt });

      // The root has left the room's tail: later flushes carry replies only, and Postgres counts.
      const second = message(roomId, 3, alice.id, { threadRootSeq: 1 });
      const third = message(roomId, 4, bob.id, { threadRootSeq: 1 });
      await writeRoomLog(db, roomId, [second, third], []);
      await writeRoomLog(db, roomId, [second, third], []);
      expect((await messageBySeq(db, roomId, 1))!.thread).toEqual({ replyCount: 3, lastReplyAt: third.createdAt });

      // A flushed tombstone of the newest reply: one fewer, and the last reply is the one before.
      await writeRoomLog(db, roomId, [{ ...third, content: '', deletedAt: new Date().toISOString() }], []);
      expect((await messageBySeq(db, roomId, 1))!.thread).toEqual({ replyCount: 2, lastReplyAt: second.createdAt });

      // A reply deleted in Postgres itself (older than the tail) is recounted there.
      await pool.query('update messages set deleted_at = now() where room_id = $1 and seq = 3', [roomId]);
      await recountThread(db, roomId, 1);
      expect((await messageBySeq(db, roomId, 1))!.thread).toEqual({ replyCount: 1, lastReplyAt: firstReply.createdAt });

      expect((await threadRepliesBetween(db, roomId, 1, 0, 10, 10)).map((m) => [m.seq, m.threadRootSeq])).toEqual([
        [2, 1],
        [3, 1],
        [4, 1],
      ]);
      expect((await threadRepliesBetween(db, roomId, 1, 2, 4, 10)).map((m) => m.seq)).toEqual([3]);
    } finally {
      await pool.end();
    }
  });
});
