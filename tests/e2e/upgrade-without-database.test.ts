/**
 * Opening a socket asks no database, neither the ticket request nor the upgrade: the
 * access token carries its session's expiry, the user's inbox answers whether the
 * session ended, the room answers membership, and a session ended after its ticket
 * was minted is refused by the room itself (worker/realtime/authenticate-upgrade.worker.test.ts).
 * Here the database is unreachable (frozen behind the fault proxy, every connection
 * dropped): the ticket request and the upgrade must succeed, dial nothing and send no
 * query, and the user's own message must come back.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFaultyStack, type FaultyStack } from '../support/faults';
import { closeAllSockets, connectInboxSocket, connectSocket } from '../support/ws-client';

let stack: FaultyStack;

beforeAll(async () => {
  stack = await startFaultyStack();
});
afterAll(async () => {
  await closeAllSockets();
  stack?.proxy.thaw();
  await stack?.stop();
});

describe('opening a room while Postgres is unreachable', () => {
  it('mints the ticket and opens without dialling or querying the database, and echoes the sender’s message', async () => {
    const { api, proxy } = stack;
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const roomId = await api.openDirect(ann, ben);
    // The room has started once (members and seq loaded), as any room in use has.
    await (await connectSocket(api.baseUrl, roomId, { ticket: await api.ticket(ann, roomId), origin: api.origin })).close();
    // A second sign-in: a session no isolate has checked yet, so no cached answer can stand in for Postgres.
    const login = await api.json<{ token: string }>('POST', '/api/auth/login', { login: ann.username, password: ann.password });
    const annAgain = { ...ann, token: login.token };

    proxy.freeze();
    proxy.killAll();
    const dialled = proxy.accepted;
    const queried = proxy.recentQueries.length;

    const ticket = await api.ticket(annAgain, roomId);
    const socket = await connectSocket(api.baseUrl, roomId, { ticket, origin: api.origin });
    expect(proxy.accepted - dialled, 'connections to Postgres while opening').toBe(0);
    expect(proxy.recentQueries.slice(queried), 'queries while opening').toEqual([]);

    socket.send({ type: 'send', clientId: 'offline-1', content: 'sent while the database is away' });
    const ack = await socket.inbox.next('ack', (f) => f.clientId === 'offline-1');
    const echoed = await socket.inbox.next('message', (f) => f.message.seq === ack.seq);
    expect(echoed.message).toMatchObject({ senderId: ann.id, content: 'sent while the database is away' });
  });

  it('mints the ticket over the inbox socket and opens without dialling or querying the database', async () => {
    const { api, proxy } = stack;
    // The test before left Postgres frozen: thawed, it answers again once the app's connections redial.
    proxy.thaw();
    const ann = await vi.waitFor(() => api.register('ann'), { timeout: 30_000, interval: 500 });
    const ben = await api.register('ben');
    const roomId = await api.openDirect(ann, ben);
    await (await connectSocket(api.baseUrl, roomId, { ticket: await api.ticket(ann, roomId), origin: api.origin })).close();
    // The tab's inbox socket is open (its greeting reads contacts from Postgres, before the outage).
    const { ticket: inboxTicket } = await api.json<{ ticket: string }>('POST', '/api/inbox/ws-ticket', undefined, ann.token);
    const inbox = await connectInboxSocket(api.baseUrl, inboxTicket, api.origin);

    proxy.freeze();
    proxy.killAll();
    const dialled = proxy.accepted;
    const queried = proxy.recentQueries.length;

    const socket = await connectSocket(api.baseUrl, roomId, { ticket: await inbox.roomTicket(roomId), origin: api.origin });
    expect(proxy.accepted - dialled, 'connections to Postgres while opening').toBe(0);
    expect(proxy.recentQueries.slice(queried), 'queries while opening').toEqual([]);
    socket.send({ type: 'send', clientId: 'offline-2', content: 'opened with the inbox ticket' });
    const ack = await socket.inbox.next('ack', (f) => f.clientId === 'offline-2');
    expect((await socket.inbox.next('message', (f) => f.message.seq === ack.seq)).message.senderId).toBe(ann.id);
    proxy.thaw();
  });
});
