/**
 * Membership at scale and under traffic.
 *
 * Removal under traffic: three members send steadily while an admin removes one
 * of them and adds them back, five times, with Postgres 60 ms away (so anything
 * the room waited for from the database would leave a window). After the line
 * announcing a removal, the removed member's socket gets no message with a
 * higher seq, and none of their sends is acknowledged with a higher seq: the
 * room applies the change with its line in one step.
 *
 * A group of the largest size (256), created in one request, then filled by one
 * bulk add: both work, with one line naming everyone added; members online at the
 * time hear of the new group on their inbox socket, an offline one finds it in the
 * list they load when they come back (durations are printed, not asserted).
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemParts, type ServerFrame } from '../../durable-objects/protocol';
import { uniqueName } from '../support/api';
import type { TestUser } from '../support/api';
import { connectSocket, type TestSocket } from '../support/ws-client';
import { connectInboxAs } from '../support/e2e';
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
        expect(res.status, `DELETE member → ${res.status}: ${await res.clone().text()}`).toBe(200);
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
        expect(readd.status, `POST member → ${readd.status}: ${await readd.clone().text()}`).toBe(201);
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

/** Accounts written straight to Postgres: registering hundreds through the API would measure the password hash. */
async function seedUsers(count: number): Promise<{ id: string; username: string }[]> {
  const db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
  try {
    const names = Array.from({ length: count }, () => uniqueName('big').toLowerCase());
    const rows = await db.query<{ id: string; username: string }>(
      `insert into users (username, email, display_name, password_hash)
       select n, n || '@example.test', n, 'not-a-hash' from unnest($1::text[]) as n returning id, username`,
      [names],
    );
    return rows.rows;
  } finally {
    await db.end();
  }
}

describe('groups of the largest size', () => {
  it('creates a group of 256 (online members told live, offline ones find it on their next load) and fills one by a bulk add, one line for all', async () => {
    stack.proxy.delayMs = 0;
    const admin = await stack.api.register('bigadmin');
    const online = await Promise.all(Array.from({ length: 4 }, () => stack.api.register('bigon')));
    const offline = await stack.api.register('bigoff');
    const inboxes = await Promise.all(online.map((u) => connectInboxAs(stack.api, u)));
    const everyone = [...online, offline, ...(await seedUsers(250))];
    let t0 = performance.now();
    const full = await stack.api.json<{ room: { id: string; members: unknown[] } }>(
      'POST',
      '/api/groups',
      { name: 'All of us', members: everyone.map((u) => u.username) },
      admin.token,
    );
    const createMs = performance.now() - t0;
    expect(full.room.members).toHaveLength(256);
    // Every online member's inbox hears of the room live (after the response: no order with it).
    for (const { inbox } of inboxes) await inbox.next('rooms_changed', (f) => f.roomId === full.room.id && f.change === 'added');
    // The offline member was not told, and needs not be: the list they load when they come back has it.
    const inboxOfOffline = await connectInboxAs(stack.api, offline);
    const list = await stack.api.json<{ rooms: { id: string }[] }>('GET', '/api/rooms', undefined, offline.token);
    expect(list.rooms.map((r) => r.id)).toContain(full.room.id);
    for (const i of [...inboxes, inboxOfOffline]) i.close();

    const firstPart = everyone.slice(0, 195);
    const later = everyone.slice(195);
    const group = await stack.api.json<{ room: { id: string } }>('POST', '/api/groups', { name: 'Half', members: firstPart.map((u) => u.username) }, admin.token);
    const ticket = await stack.api.ticket(admin, group.room.id);
    const socket = await connectSocket(stack.api.baseUrl, group.room.id, { ticket, origin: stack.api.origin });
    t0 = performance.now();
    const added = await stack.api.json<{ room: { members: unknown[] } }>(
      'POST',
      `/api/groups/${group.room.id}/members`,
      { usernames: later.map((u) => u.username) },
      admin.token,
    );
    const bulkAddMs = performance.now() - t0;
    expect(added.room.members).toHaveLength(256);
    const line = await socket.inbox.next('message', (f) => f.message.type === 'system');
    expect(systemParts(line.message.content).flatMap((p) => ('userId' in p ? [p.userId] : []))).toEqual([admin.id, ...later.map((u) => u.id)]);
    expect((await socket.inbox.next('members')).members).toHaveLength(256);
    // Full now: one more is refused.
    const [extra] = await seedUsers(1);
    const refused = await stack.api.request('POST', `/api/groups/${group.room.id}/members`, { usernames: [extra!.username] }, admin.token);
    expect(refused.status).toBe(409);
    await socket.close();
    console.log(`group of 256 created in ${createMs.toFixed(0)} ms; 60 added at once to 196 in ${bulkAddMs.toFixed(0)} ms`);
  }, 120_000);
});
