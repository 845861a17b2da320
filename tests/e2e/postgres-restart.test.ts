/**
 * A PostgreSQL restart under a live conversation: the room acks and delivers
 * from its own storage while the database is down, REST that truly needs the
 * database answers 503 quickly instead of hanging, recent history still comes
 * from the room, a client that lost its socket reconnects and catches up (its
 * session was seen live within the last minute), and once the database is back the outbox writes everything,
 * exactly once, in order.
 * Needs the project's own cluster (the default of `npm test`); with an external
 * DATABASE_URL the test is skipped, since it cannot restart that server.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureLocalPostgres } from '../../scripts/lib/local-postgres';
import { appInfo, restartApp } from '../support/app';
import { connectAs, directPair, e2eApi } from '../support/e2e';
import { closeAllSockets, type TestSocket } from '../support/ws-client';

const usesLocalCluster = !process.env.DATABASE_URL;

async function send(socket: TestSocket, clientId: string, content: string) {
  socket.send({ type: 'send', clientId, content });
  return socket.inbox.next('ack', (f) => f.clientId === clientId, 10_000);
}

async function storedSeqs(roomId: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: appInfo().databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ seq: string }>('select seq from messages where room_id = $1 order by seq', [roomId]);
    return rows.map((r) => Number(r.seq));
  } finally {
    await client.end();
  }
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.skipIf(!usesLocalCluster)('PostgreSQL restart', () => {
  afterEach(closeAllSockets);

  it('keeps the conversation going while the database is down and stores everything once it is back', async () => {
    const api = e2eApi();
    const { alice, bob, roomId } = await directPair(api);
    const a = await connectAs(api, alice, roomId);
    const b = await connectAs(api, bob, roomId);
    for (let i = 1; i <= 3; i++) await send(a, `before-${i}`, `before ${i}`);

    const port = Number(new URL(appInfo().databaseUrl).port);
    const cluster = await ensureLocalPostgres({ port, log: () => {} });
    await cluster.stop();
    try {
      const during = await send(a, 'during', 'while the database is down');
      expect(during.seq).toBe(4);
      expect((await b.inbox.next('message', (f) => f.message.clientId === 'during')).message.seq).toBe(4);

      // What needs the database says so within the deadline (5 s) instead of hanging.
      const started = Date.now();
      const res = await fetch(`${appInfo().baseUrl}/api/rooms`, { headers: { authorization: `Bearer ${bob.token}` } });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ error: { code: 'unavailable' } });
      expect(Date.now() - started).toBeLessThan(10_000);

      // Recent history comes from the room itself.
      const history = await api.history(bob, roomId, '?limit=10');
      expect(history.messages.map((m) => m.seq)).toEqual([4, 3, 2, 1]);

      // A lost connection comes back without the database: ticket, upgrade, catch-up, send.
      b.drop();
      const again = await connectAs(api, bob, roomId, 3);
      expect((await again.inbox.next('history')).messages.map((m) => m.seq)).toEqual([4]);
      await again.inbox.next('synced');
      expect((await send(again, 'reconnected', 'back while it is down')).seq).toBe(5);
      expect((await a.inbox.next('message', (f) => f.message.clientId === 'reconnected')).message.seq).toBe(5);
    } finally {
      await ensureLocalPostgres({ port, log: () => {} });
    }

    const after = await send(a, 'after', 'after the restart');
    expect(after.seq).toBe(6);
    expect(await eventually(() => storedSeqs(roomId), (seqs) => seqs.length === 6)).toEqual([1, 2, 3, 4, 5, 6]);

    await restartApp();
    const history = await api.history(bob, roomId, '?limit=50');
    expect(history.messages.map((m) => [m.seq, m.content]).reverse()).toEqual([
      [1, 'before 1'],
      [2, 'before 2'],
      [3, 'before 3'],
      [4, 'while the database is down'],
      [5, 'back while it is down'],
      [6, 'after the restart'],
    ]);
  });
});
