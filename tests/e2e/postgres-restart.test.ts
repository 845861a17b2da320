/**
 * Durability across a PostgreSQL restart: while the database is down nothing is
 * acknowledged (senders get `unavailable` and keep their message), and once it
 * is back a resend with the same clientId is stored exactly once, in order.
 * Needs the project's own cluster (the default of `npm test`); with an external
 * DATABASE_URL the test is skipped, since it cannot restart that server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ensureLocalPostgres } from '../../scripts/lib/local-postgres';
import { appInfo, restartApp } from '../support/app';
import { connectAs, directPair, e2eApi } from '../support/e2e';
import { closeAllSockets, type TestSocket } from '../support/ws-client';

const usesLocalCluster = !process.env.DATABASE_URL;

/** Sends until acked: `unavailable` errors (database still waking) are retried with the same clientId. */
async function sendUntilAcked(socket: TestSocket, clientId: string, content: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    socket.send({ type: 'send', clientId, content });
    const frame = await socket.inbox.nextOf(['ack', 'error'], 10_000);
    if (frame.type === 'ack') return frame;
    expect(frame).toMatchObject({ code: 'unavailable', clientId });
    if (Date.now() > deadline) throw new Error(`no ack for ${clientId} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.skipIf(!usesLocalCluster)('PostgreSQL restart', () => {
  afterEach(closeAllSockets);

  it('acknowledges nothing while the database is down and loses nothing acknowledged', async () => {
    const api = e2eApi();
    const { alice, bob, roomId } = await directPair(api);
    const a = await connectAs(api, alice, roomId);
    for (let i = 1; i <= 3; i++) await sendUntilAcked(a, `before-${i}`, `before ${i}`);

    const port = Number(new URL(appInfo().databaseUrl).port);
    const cluster = await ensureLocalPostgres({ port, log: () => {} });
    await cluster.stop();
    try {
      a.send({ type: 'send', clientId: 'during', content: 'while the database is down' });
      const refused = await a.inbox.nextOf(['ack', 'error'], 30_000);
      expect(refused).toMatchObject({ type: 'error', code: 'unavailable', clientId: 'during' });
    } finally {
      await ensureLocalPostgres({ port, log: () => {} });
    }

    const during = await sendUntilAcked(a, 'during', 'while the database is down');
    expect(during.seq).toBe(4);
    const after = await sendUntilAcked(a, 'after', 'after the restart');
    expect(after.seq).toBe(5);

    await restartApp();
    const history = await api.history(bob, roomId, '?limit=50');
    expect(history.messages.map((m) => [m.seq, m.content]).reverse()).toEqual([
      [1, 'before 1'],
      [2, 'before 2'],
      [3, 'before 3'],
      [4, 'while the database is down'],
      [5, 'after the restart'],
    ]);
  });
});
