/**
 * The walking skeleton end to end, over real HTTP and WebSockets against
 * `wrangler dev` and PostgreSQL: accounts, a direct conversation, live delivery,
 * history with keyset pagination, and durability across a restart of the app.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { uniqueName, type TestUser } from '../support/api';
import { restartApp } from '../support/app';
import { connectAs, e2eApi } from '../support/e2e';
import { closeAllSockets, connectSocket, refusedUpgrade } from '../support/ws-client';
import { testEmail } from '../support/private-marker';

const api = e2eApi();

interface Ack {
  clientId: string;
  id: string;
  seq: number;
  createdAt: string;
}

afterAll(closeAllSockets);

async function registerUser(prefix: string): Promise<TestUser & { email: string; displayName: string }> {
  const username = uniqueName(prefix);
  const email = testEmail(username);
  const password = `correct horse ${crypto.randomUUID()}`;
  const displayName = `${prefix[0]!.toUpperCase()}${prefix.slice(1)} Example`;
  const res = await api.request('POST', '/api/auth/register', { username, email, password, displayName });
  const body = (await res.json()) as { user: { id: string; username: string }; token: string };
  expect(res.status, JSON.stringify(body)).toBe(201);
  expect(body.user).toMatchObject({ username, displayName });
  expect(body.user.id).toMatch(/^[0-9a-f-]{36}$/);
  expect(body.user).not.toHaveProperty('passwordHash');
  expect(JSON.stringify(body)).not.toContain(password);
  expect(typeof body.token).toBe('string');
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  return { id: body.user.id, username, password, token: body.token, cookie, email, displayName };
}

async function login(loginName: string, password: string): Promise<{ token: string; user: { id: string; username: string } }> {
  const res = await api.request('POST', '/api/auth/login', { login: loginName, password });
  const body = (await res.json()) as { token: string; user: { id: string; username: string } };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}

/** Walks history with before/limit until nextBefore is null; returns the pages. */
async function allPages(user: TestUser, roomId: string, limit: number) {
  const pages: { seq: number; id: string; content: string; senderId: string; createdAt: string }[][] = [];
  let before: number | null = null;
  for (let i = 0; i < 100; i++) {
    const query: string = `?limit=${limit}${before === null ? '' : `&before=${before}`}`;
    const page: { messages: (typeof pages)[number]; nextBefore: number | null } = await api.json(
      'GET',
      `/api/rooms/${roomId}/messages${query}`,
      undefined,
      user.token,
    );
    pages.push(page.messages);
    if (page.nextBefore === null) return pages;
    expect(page.nextBefore).toBe(page.messages.at(-1)!.seq);
    before = page.nextBefore;
  }
  throw new Error('history pagination did not end');
}

describe('two users chat end to end', () => {
  it('register, log in, DM, live delivery, paged history, and a restart that loses nothing', async () => {
    // ---- accounts
    const aliceReg = await registerUser('alice');
    const bobReg = await registerUser('bob');

    const aliceByName = await login(aliceReg.username, aliceReg.password);
    expect(aliceByName.user.id).toBe(aliceReg.id);
    const bobByEmail = await login(bobReg.email, bobReg.password);
    expect(bobByEmail.user.id).toBe(bobReg.id);
    const alice: TestUser = { ...aliceReg, token: aliceByName.token };
    const bob: TestUser = { ...bobReg, token: bobByEmail.token };

    for (const [user, reg] of [[alice, aliceReg], [bob, bobReg]] as const) {
      const me = await api.json('GET', '/api/me', undefined, user.token);
      expect(me.user).toMatchObject({ id: reg.id, username: reg.username, displayName: reg.displayName });
    }

    // ---- the direct conversation: the same room from either side, every time
    const roomId = await api.openDirect(alice, bob);
    expect(await api.openDirect(bob, alice)).toBe(roomId);
    expect(await api.openDirect(alice, bob)).toBe(roomId);
    for (const user of [alice, bob]) {
      const { rooms } = await api.json('GET', '/api/rooms', undefined, user.token);
      const room = rooms.find((r: { id: string }) => r.id === roomId);
      expect(room, `${user.username} lists the DM`).toBeDefined();
      expect(room.kind).toBe('direct');
      expect(room.members.map((m: { userId: string }) => m.userId).sort()).toEqual([alice.id, bob.id].sort());
      expect(rooms.filter((r: { id: string }) => r.id === roomId)).toHaveLength(1);
    }

    // ---- both online; A sends, B receives exactly once with the seq A was acked
    const a = await connectAs(api, alice, roomId);
    const bobTicket = await api.ticket(bob, roomId);
    let b = await connectSocket(api.baseUrl, roomId, { ticket: bobTicket, origin: api.origin });
    expect(a.ready).toMatchObject({ roomId, userId: alice.id, lastSeq: 0 });
    expect(b.ready).toMatchObject({ roomId, userId: bob.id, lastSeq: 0 });
    expect(b.ready.members.map((m) => m.userId).sort()).toEqual([alice.id, bob.id].sort());

    a.send({ type: 'send', clientId: 'hello-1', content: 'hello bob' });
    const firstAck = await a.inbox.next('ack', (f) => f.clientId === 'hello-1');
    const received = await b.inbox.next('message');
    expect(received.message).toMatchObject({
      id: firstAck.id,
      seq: firstAck.seq,
      roomId,
      senderId: alice.id,
      clientId: 'hello-1',
      content: 'hello bob',
      type: 'text',
    });
    expect(await b.inbox.none('message', 300)).toHaveLength(0);

    const first = await api.history(bob, roomId);
    expect(first.messages).toEqual([expect.objectContaining({ id: firstAck.id, seq: firstAck.seq, content: 'hello bob', senderId: alice.id })]);
    expect(first.nextBefore).toBeNull();

    // ---- 25 more, sent without waiting: acked in order, delivered once each, in order
    const acks: Ack[] = [firstAck];
    const contents = new Map<number, string>([[firstAck.seq, 'hello bob']]);
    const burst = Array.from({ length: 25 }, (_, i) => ({ clientId: `burst-${i}`, content: `message ${i} from alice` }));
    for (const m of burst) a.send({ type: 'send', ...m });
    for (const m of burst) {
      const ack = await a.inbox.next('ack', (f) => f.clientId === m.clientId);
      acks.push(ack);
      contents.set(ack.seq, m.content);
    }
    const seqs = acks.map((x) => x.seq);
    expect(seqs).toEqual(Array.from({ length: 26 }, (_, i) => firstAck.seq + i));
    const delivered = [];
    for (let i = 0; i < burst.length; i++) delivered.push((await b.inbox.next('message')).message);
    expect(delivered.map((m) => m.seq)).toEqual(seqs.slice(1));
    expect(delivered.map((m) => m.content)).toEqual(burst.map((m) => m.content));
    expect(await b.inbox.none('message', 200)).toHaveLength(0);

    // ---- the conversation list follows: newest message, unread count for the receiver only
    type Listed = { id: string; lastSeq: number; unreadCount: number; lastMessage: { id: string } | null };
    const listed = async (user: TestUser) => {
      const { rooms } = await api.json<{ rooms: Listed[] }>('GET', '/api/rooms', undefined, user.token);
      return rooms.find((r) => r.id === roomId)!;
    };
    expect(await listed(bob)).toMatchObject({ lastSeq: acks.at(-1)!.seq, unreadCount: acks.length, lastMessage: { id: acks.at(-1)!.id } });
    expect(await listed(alice)).toMatchObject({ lastSeq: acks.at(-1)!.seq, unreadCount: 0 });

    // ---- keyset pagination: newest first, nextBefore chains the pages, nothing lost or repeated
    const pages = await allPages(bob, roomId, 10);
    expect(pages.map((p) => p.length)).toEqual([10, 10, 6]);
    const paged = pages.flat();
    expect(paged.map((m) => m.seq)).toEqual([...seqs].reverse());
    expect(paged.map((m) => m.id)).toEqual(acks.map((x) => x.id).reverse());
    expect(paged.map((m) => m.content)).toEqual([...seqs].reverse().map((s) => contents.get(s)));
    const middle = await api.history(alice, roomId, `?before=${seqs[10]}&limit=3`);
    expect(middle.messages.map((m) => m.seq)).toEqual([seqs[9], seqs[8], seqs[7]]);
    expect(middle.nextBefore).toBe(seqs[7]);

    // ---- B goes offline having seen everything so far; A sends three more
    const bobSawUpTo = delivered.at(-1)!.seq;
    await b.close();
    const missed = ['while you were away 1', 'while you were away 2', "while you were away 3 'quoted'"];
    for (const [i, content] of missed.entries()) a.send({ type: 'send', clientId: `away-${i}`, content });
    for (const [i, content] of missed.entries()) {
      const ack = await a.inbox.next('ack', (f) => f.clientId === `away-${i}`);
      acks.push(ack);
      contents.set(ack.seq, content);
    }
    const lastBeforeRestart = acks.at(-1)!.seq;
    expect(lastBeforeRestart).toBe(bobSawUpTo + missed.length);

    // ---- restart wrangler: sockets drop, Postgres and Durable Object storage stay
    await restartApp();
    await a.inbox.waitClosed(10_000);

    const after = (await allPages(alice, roomId, 200)).flat();
    expect(after.map((m) => m.seq)).toEqual(acks.map((x) => x.seq).reverse());
    expect(after.map((m) => m.id)).toEqual(acks.map((x) => x.id).reverse());
    expect(after.map((m) => m.content)).toEqual(acks.map((x) => contents.get(x.seq)).reverse());
    expect(after.map((m) => m.createdAt)).toEqual(acks.map((x) => x.createdAt).reverse());

    // The ticket B used before the restart is still spent.
    expect((await refusedUpgrade(api.baseUrl, roomId, { ticket: bobTicket, origin: api.origin })).status).toBe(401);

    // B catches up with exactly what it missed, in order, then is live.
    b = await connectAs(api, bob, roomId, bobSawUpTo);
    expect(b.ready.lastSeq).toBe(lastBeforeRestart);
    const replayed = [];
    for (;;) {
      const frame = await b.inbox.nextOf(['history', 'synced', 'message']);
      if (frame.type === 'message') throw new Error(`live message ${frame.message.seq} before synced`);
      if (frame.type === 'synced') {
        expect(frame).toEqual({ type: 'synced', lastSeq: lastBeforeRestart, complete: true });
        break;
      }
      replayed.push(...frame.messages);
    }
    expect(replayed.map((m) => m.seq)).toEqual([bobSawUpTo + 1, bobSawUpTo + 2, bobSawUpTo + 3]);
    expect(replayed.map((m) => m.content)).toEqual(missed);
    expect(replayed.map((m) => m.id)).toEqual(acks.slice(-3).map((x) => x.id));

    // A comes back; a resend of an acked clientId is acked again as it was, not stored twice;
    // a new message takes the next seq and reaches B once.
    const a2 = await connectAs(api, alice, roomId);
    expect(a2.ready.lastSeq).toBe(lastBeforeRestart);
    a2.send({ type: 'send', clientId: 'away-0', content: missed[0] });
    const again = await a2.inbox.next('ack', (f) => f.clientId === 'away-0');
    expect({ id: again.id, seq: again.seq }).toEqual({ id: acks.at(-3)!.id, seq: acks.at(-3)!.seq });
    a2.send({ type: 'send', clientId: 'after-restart', content: 'back again' });
    const newAck = await a2.inbox.next('ack', (f) => f.clientId === 'after-restart');
    expect(newAck.seq).toBe(lastBeforeRestart + 1);
    const live = await b.inbox.next('message');
    expect(live.message).toMatchObject({ seq: newAck.seq, id: newAck.id, content: 'back again', senderId: alice.id });
    expect(await b.inbox.none('message', 300)).toHaveLength(0);
    const total = await api.history(bob, roomId, '?limit=200');
    expect(total.messages).toHaveLength(acks.length + 1);
  });
});
