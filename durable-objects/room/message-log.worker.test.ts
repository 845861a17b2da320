/**
 * The room as the durable log of its recent messages, inside workerd with a real
 * PostgreSQL behind it: acks come from the room's own storage, Postgres is
 * written behind by the outbox, and history and catch-up read the room's tail
 * first, so they never depend on Postgres having caught up.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { drizzleOver, openPool } from '../../drizzle/connection';
import type { ObjectDatabase } from '../shared/object-database';
import { FLUSH_SPACING_MS } from './outbox';
import { api, connectRoom as connect } from '../../tests/support/workerd-client';

async function pair() {
  const alice = await api.register('alice');
  const bob = await api.register('bob');
  const roomId = await api.openDirect(alice, bob);
  return { alice, bob, roomId };
}

const room = (roomId: string) => env.ROOMS.get(env.ROOMS.idFromName(roomId));

/** Runs `work` against the test database directly (not through the app). */
async function withPostgres<T>(work: (query: (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>) => Promise<T>) {
  const pool = openPool(env, { max: 1 });
  drizzleOver(pool);
  try {
    return await work(async (text, params) => (await pool.query(text, params)).rows);
  } finally {
    await pool.end();
  }
}

/** Calls `onStart` inside the room as each flush of its log to Postgres starts; the flush itself goes on. */
function onFlushStart(instance: unknown, onStart: () => void): void {
  const database = (instance as { database: ObjectDatabase }).database;
  const run = database.run.bind(database);
  database.run = (what, work) => {
    if (what === 'writing the room log to Postgres') onStart();
    return run(what, work);
  };
}

async function sendAll(socket: Awaited<ReturnType<typeof connect>>, count: number, prefix = 'm') {
  for (let i = 1; i <= count; i++) socket.send({ type: 'send', clientId: `${prefix}${i}`, content: `${prefix} ${i}` });
  const acks = [];
  for (let i = 1; i <= count; i++) acks.push(await socket.inbox.next('ack'));
  return acks;
}

describe('the room log', () => {
  it('writes Postgres behind the acks: every message once, contiguous, with the room’s last seq', async () => {
    const { alice, roomId } = await pair();
    const a = await connect(alice, roomId);
    const acks = await sendAll(a, 5);
    expect(acks.map((x) => x.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(await room(roomId).flushed()).toEqual({ unflushed: 0 });
    const rows = await withPostgres((q) =>
      q('select seq::int, client_id, created_at from messages where room_id = $1 order by seq', [roomId]),
    );
    expect(rows.map((r) => [r.seq, r.client_id])).toEqual([
      [1, 'm1'],
      [2, 'm2'],
      [3, 'm3'],
      [4, 'm4'],
      [5, 'm5'],
    ]);
    // The time a message was acknowledged with is the time Postgres keeps.
    expect((rows[0]!.created_at as Date).toISOString()).toBe(acks[0]!.createdAt);
    const [roomRow] = await withPostgres((q) => q('select last_seq::int from rooms where id = $1', [roomId]));
    expect(roomRow).toEqual({ last_seq: 5 });
  });

  it('writes a stream of messages in flushes at least FLUSH_SPACING_MS apart, every message once', async () => {
    const { alice, roomId } = await pair();
    const a = await connect(alice, roomId);
    // When each flush of the room log starts, seen from inside the room (the real connection, counted).
    const flushStarts: number[] = [];
    await runInDurableObject(room(roomId), (instance) => onFlushStart(instance, () => flushStarts.push(Date.now())));
    // One at a time, each after the last one's ack: a message every few ms, as a busy room sees them.
    for (let i = 1; i <= 12; i++) {
      a.send({ type: 'send', clientId: `s${i}`, content: `s ${i}` });
      expect((await a.inbox.next('ack')).seq).toBe(i);
    }
    expect(await room(roomId).flushed()).toEqual({ unflushed: 0 });
    // The first message went at once and the second waited for the spacing: at least two flushes.
    expect(flushStarts.length).toBeGreaterThanOrEqual(2);
    const gaps = flushStarts.slice(1).map((at, i) => at - flushStarts[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(FLUSH_SPACING_MS);
    const rows = await withPostgres((q) => q('select seq::int from messages where room_id = $1 order by seq', [roomId]));
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('starts a flush only after the step that stored the message and broadcast it has ended', async () => {
    const { alice, roomId } = await pair();
    const a = await connect(alice, roomId);
    // For each flush: had the step of the last broadcast before it ended? A microtask queued at the
    // broadcast runs at that step's end, before the storage commit that releases the ack and the echo.
    const flushAfterStep: boolean[] = [];
    await runInDurableObject(room(roomId), (instance) => {
      const sockets = (instance as unknown as { sockets: { broadcast: (...args: unknown[]) => void } }).sockets;
      let stepEnded = true;
      const broadcast = sockets.broadcast.bind(sockets);
      sockets.broadcast = (...args) => {
        stepEnded = false;
        queueMicrotask(() => (stepEnded = true));
        broadcast(...args);
      };
      onFlushStart(instance, () => flushAfterStep.push(stepEnded));
    });
    for (let i = 1; i <= 3; i++) {
      a.send({ type: 'send', clientId: `step${i}`, content: `step ${i}` });
      await a.inbox.next('ack');
      expect(await room(roomId).flushed()).toEqual({ unflushed: 0 });
    }
    expect(flushAfterStep.length).toBeGreaterThanOrEqual(3);
    expect(flushAfterStep.every(Boolean)).toBe(true);
  });

  it('serves history and catch-up from its own storage, whatever Postgres holds', async () => {
    const { alice, bob, roomId } = await pair();
    const a = await connect(alice, roomId);
    await sendAll(a, 6);
    await room(roomId).flushed();
    // Postgres "behind" the room: rows 3..6 missing there.
    await withPostgres((q) => q('delete from messages where room_id = $1 and seq >= 3', [roomId]));

    const page = await api.history(bob, roomId, '?limit=4');
    expect(page.messages.map((m) => m.seq)).toEqual([6, 5, 4, 3]);
    const older = await api.history(bob, roomId, '?before=3&limit=4');
    expect(older.messages.map((m) => m.seq)).toEqual([2, 1]);

    const b = await connect(bob, roomId, 0);
    const replayed = (await b.inbox.next('history')).messages.map((m) => m.seq);
    expect(replayed).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await b.inbox.next('synced')).toMatchObject({ lastSeq: 6, complete: true });
  });

  it('flushes the latest state of changed messages and read cursors', async () => {
    const { alice, bob, roomId } = await pair();
    const a = await connect(alice, roomId);
    const b = await connect(bob, roomId);
    const [first] = await sendAll(a, 2);
    a.send({ type: 'edit', seq: first!.seq, content: 'edited' });
    b.send({ type: 'react', seq: first!.seq, emoji: '🎉', on: true });
    b.send({ type: 'read', seq: 2 });
    await a.inbox.next('updated', (f) => f.message.reactions.length === 1);
    await a.inbox.next('read');
    await room(roomId).flushed();
    const [row] = await withPostgres((q) =>
      q(
        `select m.content, m.edited_at is not null as edited,
                (select count(*)::int from message_reactions r where r.room_id = m.room_id and r.seq = m.seq) as reactions,
                (select last_read_seq::int from room_members where room_id = m.room_id and user_id = $2) as bob_read
         from messages m where m.room_id = $1 and m.seq = 1`,
        [roomId, bob.id],
      ),
    );
    expect(row).toEqual({ content: 'edited', edited: true, reactions: 1, bob_read: 2 });
    // Nothing is left to flush, and nothing pending was trimmed.
    await runInDurableObject(room(roomId), (_instance, state) => {
      expect(state.storage.sql.exec('select count(*) as n from outbox_messages').one().n).toBe(0);
      expect(state.storage.sql.exec('select count(*) as n from log_messages').one().n).toBe(2);
    });
  });

  it('counts invalid frames against the rate limit', async () => {
    const { alice, roomId } = await pair();
    const a = await connect(alice, roomId);
    // The default limit is a burst of 30 (then one per 200 ms): garbage uses it up like anything
    // else. It refills while the room works, so count against the refill over the elapsed time.
    const started = performance.now();
    for (let i = 0; i < 60; i++) a.ws.send('{not json');
    const codes: string[] = [];
    for (let i = 0; i < 60; i++) codes.push((await a.inbox.next('error')).code);
    const elapsedMs = performance.now() - started;
    const firstLimited = codes.indexOf('rate_limited');
    expect(firstLimited).toBeGreaterThanOrEqual(30);
    expect(firstLimited).toBeLessThanOrEqual(30 + Math.floor(elapsedMs / 200));
    expect(new Set(codes)).toEqual(new Set(['bad_json', 'rate_limited']));
  });
});
