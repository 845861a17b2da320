/**
 * kill -9 of wrangler and workerd while three members stream messages: whatever
 * was acked before the kill comes back from the room's own storage after the
 * restart; clients reconnect with after=<last seq seen> and resend what was not
 * acked with the same clientId; nothing acked is lost, duplicated or reordered,
 * in Postgres or in any client's log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupWithClients, killAppHard, sleep, startFaultyStack, stopAll, stream, verifyRoom, type FaultyStack, type RoomClient } from '../support/faults';

let stack: FaultyStack;
let clients: RoomClient[] = [];

beforeAll(async () => {
  stack = await startFaultyStack();
});
afterAll(async () => {
  stopAll(clients);
  await stack?.stop();
});

describe('kill -9 of workerd mid-stream', () => {
  it('loses, duplicates and reorders nothing acked; every client ends with every message in order', async () => {
    const group = await groupWithClients(stack.api, 4, {}, 'wk');
    clients = group.clients;
    const senders = clients.slice(0, 3);
    const acks = () => senders.reduce((n, c) => n + c.acks.size, 0);

    const sending = stream(senders, { count: 120, intervalMs: 15, window: 10, ackTimeoutMs: 90_000 });
    sending.catch(() => {});
    while (acks() < 90) await sleep(10);
    const ackedBeforeKill = acks();
    killAppHard(stack.app);
    await stack.app.restart();
    await sending;

    expect(ackedBeforeKill).toBeLessThan(360 - 60); // the kill really came mid-stream
    // Every client lost its socket and came back (after= catch-up), the senders resent what was in flight.
    for (const c of clients) {
      expect(c.connections, `${c.name} reconnected`).toBeGreaterThanOrEqual(2);
      expect(c.closes.length).toBeGreaterThanOrEqual(1);
    }
    const { stored } = await verifyRoom({ databaseUrl: stack.databaseUrl, roomId: group.roomId, clients });
    expect(stored).toBeGreaterThanOrEqual(360);
  }, 180_000);
});
