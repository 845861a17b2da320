/**
 * Message actions end to end, over REST and the room sockets against `wrangler dev` and
 * PostgreSQL: forwarding to several chats (and its refusals), pins synced to every member
 * and permission-checked, stars per user (live on my other devices), and "delete for me"
 * (across my devices, and out of my unread count).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../durable-objects/protocol';
import type { TestUser } from '../support/api';
import { connectAs, directPair, e2eApi, expectError } from '../support/e2e';
import { closeAllSockets, type TestSocket } from '../support/ws-client';

const api = e2eApi();
afterAll(closeAllSockets);

type Ack = Extract<ServerFrame, { type: 'ack' }>;

/** Sends a text on an open socket and waits for its ack. */
async function say(socket: TestSocket, content: string): Promise<Ack> {
  const clientId = crypto.randomUUID();
  socket.send({ type: 'send', clientId, content });
  return socket.inbox.next('ack', (f) => f.clientId === clientId);
}

async function history(user: TestUser, roomId: string) {
  return (await api.json<{ messages: { seq: number; content: string; forwarded?: true; senderId: string | null; type: string }[] }>(
    'GET',
    `/api/rooms/${roomId}/messages?limit=50`,
    undefined,
    user.token,
  )).messages;
}

describe('forward', () => {
  it('copies a text into several chats, marked forwarded, once per clientId, and refuses a chat the forwarder is not in', async () => {
    const { alice, bob, roomId: source } = await directPair(api);
    const [carol, dave] = await Promise.all([api.register('carol'), api.register('dave')]);
    const [withCarol, group, notMine] = await Promise.all([
      api.openDirect(alice, carol),
      api.createGroup(alice, 'Forward targets', [bob, dave]),
      api.openDirect(bob, dave),
    ]);

    const bobSource = await connectAs(api, bob, source);
    const said = await say(bobSource, 'meet at the north gate at 7');
    const carolSocket = await connectAs(api, carol, withCarol);
    const daveSocket = await connectAs(api, dave, group);

    const clientId = crypto.randomUUID();
    const body = { roomId: source, seq: said.seq, to: [withCarol, group], clientId };
    const first = await api.json<{ forwarded: { roomId: string; ok: boolean; seq: number }[] }>('POST', '/api/forward', body, alice.token);
    expect(first.forwarded.map((f) => [f.roomId, f.ok])).toEqual([
      [withCarol, true],
      [group, true],
    ]);

    // Each target's members get it live, as a message of Alice's, marked forwarded.
    for (const socket of [carolSocket, daveSocket]) {
      const { message } = await socket.inbox.next('message', (f) => f.message.content === 'meet at the north gate at 7');
      expect(message.senderId).toBe(alice.id);
      expect(message.forwarded).toBe(true);
    }
    // The same forward again (a retry after a lost answer) stores nothing new.
    const again = await api.json<{ forwarded: { roomId: string; seq: number }[] }>('POST', '/api/forward', body, alice.token);
    expect(again.forwarded.map((f) => f.seq)).toEqual(first.forwarded.map((f) => f.seq));
    const carolHistory = await history(carol, withCarol);
    expect(carolHistory.filter((m) => m.content === 'meet at the north gate at 7')).toHaveLength(1);
    expect(carolHistory[0]).toMatchObject({ forwarded: true, senderId: alice.id });
    // The original is not marked.
    expect((await history(bob, source)).find((m) => m.seq === said.seq)?.forwarded).toBeUndefined();

    // A target Alice is not a member of: refused, and nothing is forwarded anywhere.
    const refused = await api.request('POST', '/api/forward', { ...body, clientId: crypto.randomUUID(), to: [withCarol, notMine] }, alice.token);
    await expectError(refused, 403, 'forbidden');
    expect((await history(carol, withCarol)).filter((m) => m.content === 'meet at the north gate at 7')).toHaveLength(1);

    // Forwarding from a chat one is not in, or a message that does not exist.
    await expectError(await api.request('POST', '/api/forward', { roomId: notMine, seq: 1, to: [withCarol], clientId: 'x1' }, alice.token), 403);
    await expectError(await api.request('POST', '/api/forward', { roomId: source, seq: 9999, to: [withCarol], clientId: 'x2' }, alice.token), 404);
    // Bad bodies are 400s with a message.
    await expectError(await api.request('POST', '/api/forward', { roomId: source, seq: said.seq, to: [], clientId: 'x3' }, alice.token), 400);
    await expectError(await api.request('POST', '/api/forward', { roomId: source, seq: said.seq, to: [withCarol], clientId: 'has:colon' }, alice.token), 400);
    // Signed out: 401 everywhere.
    await expectError(await api.request('POST', '/api/forward', body), 401);
    await expectError(await api.request('GET', '/api/starred'), 401);
    await expectError(await api.request('PUT', `/api/rooms/${source}/pins/${said.seq}`), 401);
    // Six accounts (bcrypt) and four rooms: more than the default minute on a loaded machine.
  }, 120_000);
});

describe('pins', () => {
  it('syncs a pin to every member with a system line; in a group only admins pin', async () => {
    const [admin, member] = await Promise.all([api.register('admin'), api.register('member')]);
    const group = await api.createGroup(admin, 'Pinning', [member]);
    const adminSocket = await connectAs(api, admin, group);
    const memberSocket = await connectAs(api, member, group);
    const said = await say(memberSocket, 'the wifi password is on the fridge');

    // A plain member of a group may not pin.
    await expectError(await api.request('PUT', `/api/rooms/${group}/pins/${said.seq}`, undefined, member.token), 403, 'forbidden');

    const { pins } = await api.json<{ pins: { seq: number; pinnedBy: string }[] }>('PUT', `/api/rooms/${group}/pins/${said.seq}`, undefined, admin.token);
    expect(pins).toEqual([expect.objectContaining({ seq: said.seq, pinnedBy: admin.id })]);
    for (const socket of [adminSocket, memberSocket]) {
      const frame = await socket.inbox.next('pins');
      expect(frame.pins.map((p) => p.seq)).toEqual([said.seq]);
      const line = await socket.inbox.next('message', (f) => f.message.type === 'system');
      expect(line.message.content).toContain('pinned a message');
      expect(line.message.replyToSeq).toBe(said.seq);
    }
    // Stored server-side: a member reading later gets it.
    expect((await api.json<{ pins: { seq: number }[] }>('GET', `/api/rooms/${group}/pins`, undefined, member.token)).pins.map((p) => p.seq)).toEqual([said.seq]);
    // Not for outsiders; nothing to pin that does not exist.
    const outsider = await api.register('outsider');
    await expectError(await api.request('GET', `/api/rooms/${group}/pins`, undefined, outsider.token), 403);
    await expectError(await api.request('PUT', `/api/rooms/${group}/pins/9999`, undefined, admin.token), 404);

    // Unpinning: quiet (no line), the empty list to everyone.
    await expectError(await api.request('DELETE', `/api/rooms/${group}/pins/${said.seq}`, undefined, member.token), 403);
    await api.json('DELETE', `/api/rooms/${group}/pins/${said.seq}`, undefined, admin.token);
    expect((await memberSocket.inbox.next('pins')).pins).toEqual([]);
  });

  it('lets either person of a direct chat pin', async () => {
    const { alice, bob, roomId } = await directPair(api);
    const aliceSocket = await connectAs(api, alice, roomId);
    const said = await say(aliceSocket, 'address: 12 Long Road');
    await api.json('PUT', `/api/rooms/${roomId}/pins/${said.seq}`, undefined, bob.token);
    expect((await aliceSocket.inbox.next('pins')).pins.map((p) => p.seq)).toEqual([said.seq]);
  });
});

describe('stars', () => {
  it('are per user, listed with the message, and live on my other devices', async () => {
    const { alice, bob, roomId } = await directPair(api);
    const aliceSocket = await connectAs(api, alice, roomId);
    const said = await say(aliceSocket, 'flight LH 123 on Friday');
    const bobOtherDevice = await connectAs(api, bob, roomId);
    await api.json('PUT', `/api/rooms/${roomId}/messages/${said.seq}/star`, undefined, bob.token);
    // Bob's other open device marks it at once; Alice hears nothing of Bob's stars.
    expect(await bobOtherDevice.inbox.next('starred')).toEqual({ type: 'starred', seqs: [said.seq], on: true });

    const listed = async (user: TestUser) =>
      (await api.json<{ starred: { roomId: string; seq: number; message: { content: string } | null }[] }>('GET', '/api/starred', undefined, user.token)).starred;
    const bobs = await listed(bob);
    expect(bobs.map((s) => [s.roomId, s.seq])).toEqual([[roomId, said.seq]]);
    expect(await listed(alice)).toEqual([]);
    // Postgres is written behind the room: the text is there within moments.
    let text: string | undefined;
    for (let i = 0; i < 100 && !text; i++) text = (await listed(bob))[0]?.message?.content;
    expect(text).toBe('flight LH 123 on Friday');

    await api.json('DELETE', `/api/rooms/${roomId}/messages/${said.seq}/star`, undefined, bob.token);
    expect(await bobOtherDevice.inbox.next('starred')).toEqual({ type: 'starred', seqs: [said.seq], on: false });
    await aliceSocket.inbox.none('starred');
    expect(await listed(bob)).toEqual([]);
    const outsider = await api.register('outsider');
    await expectError(await api.request('PUT', `/api/rooms/${roomId}/messages/${said.seq}/star`, undefined, outsider.token), 403);
    await expectError(await api.request('PUT', `/api/rooms/${roomId}/messages/0/star`, undefined, bob.token), 400);
  });
});

describe('delete for me', () => {
  it('takes what I deleted for me out of my unread count and unread mentions, not anyone else\'s', async () => {
    const [ann, ben, cat] = [await api.register('ann'), await api.register('ben'), await api.register('cat')];
    const group = await api.createGroup(ann, 'Unread', [ben, cat]);
    const annSocket = await connectAs(api, ann, group);
    await say(annSocket, 'first');
    const mention = await say(annSocket, `@${ben.username} are you in?`);
    const spam = await say(annSocket, 'buy now');
    type Listed = { id: string; unreadCount: number; unreadMentions: number };
    const unread = async (user: TestUser) => {
      const { rooms } = await api.json<{ rooms: Listed[] }>('GET', '/api/rooms', undefined, user.token);
      const room = rooms.find((r) => r.id === group)!;
      return [room.unreadCount, room.unreadMentions];
    };
    // Postgres is written behind the room: wait until all three are there.
    await expect.poll(() => unread(ben), { timeout: 20_000, interval: 250 }).toEqual([3, 1]);

    // Ben deletes two of them for himself without reading them: they no longer count for him.
    await api.json('PUT', `/api/rooms/${group}/messages/${spam.seq}/hidden`, undefined, ben.token);
    expect(await unread(ben)).toEqual([2, 1]);
    await api.json('PUT', `/api/rooms/${group}/messages/${mention.seq}/hidden`, undefined, ben.token);
    expect(await unread(ben)).toEqual([1, 0]);
    // Cat still has all three; Ann wrote them.
    expect(await unread(cat)).toEqual([3, 0]);
    expect(await unread(ann)).toEqual([0, 0]);
  });

  it('hides a message from me on every device and survives a reload; others still see it', async () => {
    const { alice, bob, roomId } = await directPair(api);
    const aliceSocket = await connectAs(api, alice, roomId);
    const said = await say(aliceSocket, 'only bob will forget this');
    const bobOtherDevice = await connectAs(api, bob, roomId);

    await api.json('PUT', `/api/rooms/${roomId}/messages/${said.seq}/hidden`, undefined, bob.token);
    // Bob's other open device hears it at once; Alice's socket does not.
    expect((await bobOtherDevice.inbox.next('hidden')).seqs).toEqual([said.seq]);
    await aliceSocket.inbox.none('hidden');
    // Read again later (a reload, another device): still hidden for Bob, and only for him.
    expect((await api.json<{ seqs: number[] }>('GET', `/api/rooms/${roomId}/hidden`, undefined, bob.token)).seqs).toEqual([said.seq]);
    expect((await api.json<{ seqs: number[] }>('GET', `/api/rooms/${roomId}/hidden`, undefined, alice.token)).seqs).toEqual([]);
    expect((await history(alice, roomId)).some((m) => m.content === 'only bob will forget this')).toBe(true);

    const outsider = await api.register('outsider');
    await expectError(await api.request('GET', `/api/rooms/${roomId}/hidden`, undefined, outsider.token), 403);
    await expectError(await api.request('PUT', `/api/rooms/${roomId}/messages/${said.seq}/hidden`, undefined, outsider.token), 403);
  });
});
