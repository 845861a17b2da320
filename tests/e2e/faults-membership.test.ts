/**
 * Removal under traffic: three members send steadily while an admin removes one
 * of them and adds them back, five times, with Postgres 60 ms away (so anything
 * the room waited for from the database would leave a window). After the line
 * announcing a removal, the removed member's socket gets no message with a
 * higher seq, and none of their sends is acknowledged with a higher seq: the
 * room applies the change with its line in one step.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../durable-objects/protocol';
import type { TestUser } from '../support/api';
import { connectSocket, type TestSocket } from '../support/ws-client';
import { groupWithClients, sleep, startFaultyStack, stopAll, verifyRoom, type FaultyStack, type RoomClient } from '../support/faults';

const CYCLES = 5;
let stack: FaultyStack;
let clients: RoomClient[] = [];

beforeAll(async () => {
  stack = await startFaultyStack({ delayMs: 30 });
});
afterEach(() => stopAll(clients));
afterAll(() => stack?.stop());

/** The removed member's side: one socket, sending a message every few ms until it closes. */
async function connectSending(user: TestUser, roomId: string, cycle: number) {
  const ticket = await stack.api.ticket(user, roomId);
  const socket: TestSocket = await connectSocket(stack.api.baseUrl, roomId, { ticket, origin: stack.api.origin });
  let n = 0;
  const timer = setInterval(() => {
    if (socket.ws.readyState !== socket.ws.OPEN) return clearInterval(timer);
    socket.send({ type: 'send', clientId: `victim-${cycle}-${n}`, content: `victim says ${cycle}.${n}` });
    n += 1;
  }, 3);
  return { socket, stop: () => clearInterval(timer) };
}

/** Keeps `client` sending until `stopped()`, one message in flight window at a time. */
async function keepSending(client: RoomClient, stopped: () => boolean): Promise<void> {
  for (let i = 0; !stopped(); i++) {
    while (client.unacked >= 10 && !stopped()) await sleep(2);
    void client.send(`${client.name}-k${i}`, `${client.name} keeps saying ${i}`);
    await sleep(4);
  }
}

async function until<T>(find: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(10);
  }
}

describe('removal under traffic', () => {
  it('the removed member gets nothing and has nothing acked after the line, in 5 remove/re-add cycles', async () => {
    const group = await groupWithClients(stack.api, 3, {}, 'rm');
    const [adminUser] = group.users;
    const victim = await stack.api.register('victim');
    clients = group.clients;
    const [admin] = clients;
    await stack.api.json('POST', `/api/groups/${group.roomId}/members`, { username: victim.username }, adminUser!.token);

    let stopped = false;
    const traffic = Promise.all(clients.map((c) => keepSending(c, () => stopped)));
    const violations: string[] = [];
    let victimAcked = 0;
    try {
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const { socket, stop } = await connectSending(victim, group.roomId, cycle);
        // Traffic both ways before the removal: the victim is acked and hears the others.
        await until(() => (socket.inbox.frames.filter((f) => f.type === 'ack').length >= 5 ? true : undefined), 'victim acked');
        await until(() => (socket.inbox.frames.some((f) => f.type === 'message' && f.message.senderId !== victim.id) ? true : undefined), 'victim hears others');

        const res = await stack.api.request('DELETE', `/api/groups/${group.roomId}/members/${victim.id}`, undefined, adminUser!.token);
        expect(res.status).toBe(200);
        const closed = await socket.inbox.waitClosed(30_000);
        stop();
        expect(closed.code).toBe(4403);

        const line = await until(
          () => admin!.log.find((m) => m.type === 'system' && m.content.includes(`removed <@${victim.id}|`) && !seenLines.has(m.seq)),
          'removal line at the admin',
        );
        seenLines.add(line.seq);
        const frames = socket.inbox.frames as ServerFrame[];
        for (const f of frames) {
          if (f.type === 'message' && f.message.seq > line.seq) violations.push(`cycle ${cycle}: message ${f.message.seq} after line ${line.seq}`);
          if (f.type === 'ack' && f.seq > line.seq) violations.push(`cycle ${cycle}: own send acked as ${f.seq} after line ${line.seq}`);
          if (f.type === 'ack') victimAcked += 1;
        }
        const readd = await stack.api.request('POST', `/api/groups/${group.roomId}/members`, { username: victim.username }, adminUser!.token);
        expect(readd.status).toBe(201);
      }
    } finally {
      stopped = true;
    }
    await traffic;
    expect(violations).toEqual([]);
    expect(victimAcked).toBeGreaterThanOrEqual(CYCLES * 5);
    // The others' messages are all stored once, in order, and every client saw all of them.
    await Promise.all(clients.map((c) => until(() => (c.unacked === 0 ? true : undefined), `${c.name} acked`)));
    const lastSeq = Math.max(...clients.map((c) => c.lastSeq));
    await Promise.all(clients.map((c) => c.waitForSeq(lastSeq)));
    await verifyRoom({ databaseUrl: stack.databaseUrl, roomId: group.roomId, clients });
  }, 240_000);
});

const seenLines = new Set<number>();
