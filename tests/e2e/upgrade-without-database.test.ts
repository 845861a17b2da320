/**
 * Opening a socket with a ticket asks no database: the ticket was minted after a
 * live-session check, and a session ended since is refused by the room itself
 * (worker/realtime/authenticate-upgrade.worker.test.ts). Here the database is
 * unreachable (frozen behind the fault proxy, every connection dropped) from the
 * moment the ticket is minted: the upgrade must open, dial nothing and send no
 * query, and the user's own message must come back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultyStack, type FaultyStack } from '../support/faults';
import { closeAllSockets, connectSocket } from '../support/ws-client';

let stack: FaultyStack;

beforeAll(async () => {
  stack = await startFaultyStack();
});
afterAll(async () => {
  await closeAllSockets();
  stack?.proxy.thaw();
  await stack?.stop();
});

describe('a ticket upgrade while Postgres is unreachable', () => {
  it('opens without dialling or querying the database, and echoes the sender’s message', async () => {
    const { api, proxy } = stack;
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const roomId = await api.openDirect(ann, ben);
    // The room has started once (members and seq loaded), as any room in use has.
    await (await connectSocket(api.baseUrl, roomId, { ticket: await api.ticket(ann, roomId), origin: api.origin })).close();
    const ticket = await api.ticket(ann, roomId);

    proxy.freeze();
    proxy.killAll();
    const dialled = proxy.accepted;
    const queried = proxy.recentQueries.length;

    const socket = await connectSocket(api.baseUrl, roomId, { ticket, origin: api.origin });
    expect(proxy.accepted - dialled, 'connections to Postgres while opening').toBe(0);
    expect(proxy.recentQueries.slice(queried), 'queries while opening').toEqual([]);

    socket.send({ type: 'send', clientId: 'offline-1', content: 'sent while the database is away' });
    const ack = await socket.inbox.next('ack', (f) => f.clientId === 'offline-1');
    const echoed = await socket.inbox.next('message', (f) => f.message.seq === ack.seq);
    expect(echoed.message).toMatchObject({ senderId: ann.id, content: 'sent while the database is away' });
  });
});
