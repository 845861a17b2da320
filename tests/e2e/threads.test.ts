/**
 * Threads (issue 25), against `wrangler dev` and PostgreSQL: a thread reply takes the room's
 * one ordered, exactly-once path (a resend after a dropped socket is acknowledged again, never
 * stored twice), its root is checked (error frame, socket still usable), the root carries the
 * reply count, GET /api/rooms/:roomId/threads/:rootSeq pages a thread for members only, the
 * thread's participants and the people it mentions hear of a reply (nobody else), search finds
 * replies, and secret chats refuse threads.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { THREADS_IN_SECRET_ROOM_TEXT, type WireMessage } from '../../durable-objects/protocol';
import type { TestUser } from '../support/api';
import { connectAs, connectInboxAs, directPair, e2eApi, expectError } from '../support/e2e';
import { closeAllSockets, type TestSocket } from '../support/ws-client';

const api = e2eApi();
afterAll(closeAllSockets);

type Thread = { root: WireMessage; replies: WireMessage[]; nextAfter: number | null };
const threadOf = (u: TestUser, roomId: string, root: number, query = '') => api.request('GET', `/api/rooms/${roomId}/threads/${root}${query}`, undefined, u.token);
const fetchThread = async (u: TestUser, roomId: string, root: number, query = '') => (await (await threadOf(u, roomId, root, query)).json()) as Thread;

async function post(socket: TestSocket, content: string, threadRootSeq?: number): Promise<number> {
  const clientId = `t-${crypto.randomUUID()}`;
  socket.send({ type: 'send', clientId, content, ...(threadRootSeq ? { threadRootSeq } : {}) });
  return (await socket.inbox.next('ack', (f) => f.clientId === clientId)).seq;
}

describe('threads', () => {
  it('replies travel the ordered, exactly-once path: a resend across a reconnect is acknowledged again, never stored twice', async () => {
    const { alice, bob, roomId } = await directPair(api);
    let a = await connectAs(api, alice, roomId);
    const b = await connectAs(api, bob, roomId);
    const root = await post(a, 'what shall we eat?');
    const first = await post(a, 'pizza', root);
    const main = await post(a, 'back in the chat');
    // A reply whose ack is lost with its socket: sent again, with the same clientId, on a new one.
    a.send({ type: 'send', clientId: 'lost-ack', content: 'or sushi', threadRootSeq: root });
    await b.inbox.next('message', (f) => f.message.clientId === 'lost-ack');
    a.drop();
    a = await connectAs(api, alice, roomId, main);
    a.send({ type: 'send', clientId: 'lost-ack', content: 'or sushi', threadRootSeq: root });
    const again = await a.inbox.next('ack', (f) => f.clientId === 'lost-ack');
    const third = await post(a, 'or both', root);
    await b.inbox.next('message', (f) => f.message.seq === third);
    expect([root, first, main, again.seq, third]).toEqual([1, 2, 3, 4, 5]);

    // Bob saw each reply once, in order, marked with its root; the root's count followed.
    const live = b.inbox.all('message').map((f) => f.message);
    expect(live.map((m) => [m.seq, m.threadRootSeq ?? null])).toEqual([[1, null], [2, 1], [3, null], [4, 1], [5, 1]]);
    const summary = await b.inbox.next('updated', (f) => f.message.seq === root && f.message.thread?.replyCount === 3);
    expect(summary.message.thread!.lastReplyAt).toBe(live[4]!.createdAt);

    // A catch-up after a reconnect carries replies the same way.
    const late = await connectAs(api, bob, roomId, 1);
    const replayed: WireMessage[] = [];
    for (let f = await late.inbox.nextOf(['history', 'synced']); f.type === 'history'; f = await late.inbox.nextOf(['history', 'synced'])) replayed.push(...f.messages);
    expect(replayed.map((m) => m.seq)).toEqual([2, 3, 4, 5]);
    expect(replayed.filter((m) => m.threadRootSeq === root).map((m) => m.content)).toEqual(['pizza', 'or sushi', 'or both']);

    // The thread, from the room's log and then (once flushed) from Postgres alike: each reply once.
    const fromRoom = await fetchThread(bob, roomId, root);
    expect(fromRoom.root).toMatchObject({ seq: root, thread: { replyCount: 3 } });
    expect(fromRoom.replies.map((m) => m.seq)).toEqual([2, 4, 5]);
    const paged = await fetchThread(bob, roomId, root, '?limit=2');
    expect([paged.replies.map((m) => m.seq), paged.nextAfter]).toEqual([[2, 4], 4]);
    expect((await fetchThread(bob, roomId, root, '?after=4&limit=2')).replies.map((m) => m.seq)).toEqual([5]);
  });

  it('refuses a root that does not exist, is deleted, is a reply or a system line, with an error frame; the socket stays usable', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const roomId = await api.createGroup(ann, 'thread rules', [ben]);
    const a = await connectAs(api, ann, roomId);
    await api.json('PATCH', `/api/groups/${roomId}`, { name: 'thread rules, renamed' }, ann.token);
    const systemLine = (await a.inbox.next('message', (f) => f.message.type === 'system')).message.seq;
    const root = await post(a, 'root');
    const reply = await post(a, 'reply', root);
    const gone = await post(a, 'soon deleted');
    a.send({ type: 'delete', seq: gone });
    await a.inbox.next('updated', (f) => f.message.seq === gone && f.message.deletedAt !== null);

    const refusals: [number, string, RegExp][] = [
      [999, 'not_found', /no such message/],
      [gone, 'forbidden', /deleted/],
      [reply, 'forbidden', /thread reply/],
      [systemLine, 'forbidden', /system lines/],
    ];
    for (const [threadRootSeq, code, message] of refusals) {
      const clientId = `bad-${threadRootSeq}`;
      a.send({ type: 'send', clientId, content: 'nope', threadRootSeq });
      const error = await a.inbox.next('error', (f) => f.clientId === clientId);
      expect([error.code, error.message]).toEqual([code, expect.stringMatching(message)]);
    }
    a.send({ type: 'send', clientId: 'zero', content: 'x', threadRootSeq: 0 });
    expect((await a.inbox.next('error', (f) => f.clientId === 'zero')).code).toBe('bad_frame');
    // Nothing was stored for any of them, and the socket takes the next reply.
    expect(await post(a, 'still here', root)).toBe(gone + 1);
    expect((await fetchThread(ben, roomId, root)).replies.map((m) => m.content)).toEqual(['reply', 'still here']);
  });

  it('keeps the count on the root through deletes, edits and reactions on replies, and in Postgres', async () => {
    const { alice, bob, roomId } = await directPair(api);
    const a = await connectAs(api, alice, roomId);
    const b = await connectAs(api, bob, roomId);
    const root = await post(a, 'root');
    const one = await post(b, 'one', root);
    const two = await post(b, 'two', root);
    await a.inbox.next('updated', (f) => f.message.seq === root && f.message.thread?.replyCount === 2);
    b.send({ type: 'edit', seq: one, content: 'one, edited' });
    expect((await a.inbox.next('updated', (f) => f.message.seq === one)).message).toMatchObject({ content: 'one, edited', threadRootSeq: root });
    a.send({ type: 'react', seq: one, emoji: '👍', on: true });
    expect((await b.inbox.next('updated', (f) => f.message.seq === one && f.message.reactions.length === 1)).message.threadRootSeq).toBe(root);
    b.send({ type: 'delete', seq: two });
    const after = await a.inbox.next('updated', (f) => f.message.seq === root && f.message.thread?.replyCount === 1);
    expect(after.message.thread!.lastReplyAt).toBe((await fetchThread(alice, roomId, root)).replies[0]!.createdAt);
    b.send({ type: 'delete', seq: one });
    const none = await a.inbox.next('updated', (f) => f.message.seq === root && f.message.thread === undefined);
    expect(none.message.seq).toBe(root);
    await post(b, 'three', root);
    // Postgres is written behind the room: history there shows the root's count once flushed.
    await expect
      .poll(async () => (await api.json<{ messages: WireMessage[] }>('GET', `/api/rooms/${roomId}/messages`, undefined, alice.token)).messages, {
        timeout: 20_000,
        interval: 250,
      })
      .toEqual(expect.arrayContaining([expect.objectContaining({ seq: root, thread: expect.objectContaining({ replyCount: 1 }) })]));
  });

  it('shows a thread to members only, and only for a root of the room', async () => {
    const { alice, bob, roomId } = await directPair(api);
    const outsider = await api.register('eve');
    const a = await connectAs(api, alice, roomId);
    const root = await post(a, 'private root');
    const reply = await post(a, 'private reply', root);
    expect((await threadOf(bob, roomId, root)).status).toBe(200);
    const refused = await expectError(await threadOf(outsider, roomId, root), 403);
    expect(JSON.stringify(refused)).not.toContain('private');
    await expectError(await threadOf(bob, roomId, 999), 404);
    await expectError(await threadOf(bob, roomId, reply), 404);
    await expectError(await threadOf(bob, roomId, root, '?limit=0'), 400);
    await expectError(await api.request('GET', `/api/rooms/${roomId}/threads/${root}`), 401);
  });

  it('tells the thread participants and the people mentioned of a reply, and nobody else', async () => {
    const [ann, ben, cat, dan] = [await api.register('ann'), await api.register('ben'), await api.register('cat'), await api.register('dan')];
    const roomId = await api.createGroup(ann, 'thread news', [ben, cat, dan]);
    const [annInbox, benInbox, catInbox, danInbox] = await Promise.all([
      connectInboxAs(api, ann),
      connectInboxAs(api, ben),
      connectInboxAs(api, cat),
      connectInboxAs(api, dan),
    ]);
    const a = await connectAs(api, ann, roomId);
    const root = await post(a, 'lunch?');
    await a.close();
    for (const inbox of [benInbox, catInbox, danInbox]) await inbox.inbox.next('activity', (f) => f.message.seq === root);

    const b = await connectAs(api, ben, roomId);
    const benReply = await post(b, 'yes', root);
    // Ann wrote the root: she hears of the reply (with its root); Ben, who wrote it, does not.
    expect((await annInbox.inbox.next('activity', (f) => f.message.seq === benReply)).message.threadRootSeq).toBe(root);
    const mention = await post(b, `@${dan.username} are you coming?`, root);
    await danInbox.inbox.next('activity', (f) => f.message.seq === mention);
    await annInbox.inbox.next('activity', (f) => f.message.seq === mention);
    await b.close();

    // Cat took no part: the next thing she hears of is the next message of the chat itself.
    const a2 = await connectAs(api, ann, roomId);
    const annMain = await post(a2, 'lunch at noon, everyone');
    await a2.close();
    expect((await catInbox.inbox.next('activity')).message.seq).toBe(annMain);
    // Now Dan replies: Ben (who replied) and Ann (the root) hear of it; Cat still does not.
    const d = await connectAs(api, dan, roomId);
    const danReply = await post(d, 'on my way', root);
    await d.close();
    await benInbox.inbox.next('activity', (f) => f.message.seq === danReply);
    await annInbox.inbox.next('activity', (f) => f.message.seq === danReply);
    const b2 = await connectAs(api, ben, roomId);
    const last = await post(b2, 'see you all');
    await b2.close();
    expect((await catInbox.inbox.next('activity')).message.seq).toBe(last);
    expect(catInbox.inbox.all('activity').map((f) => f.message.seq)).not.toContain(danReply);
  });

  it('finds thread replies in search, with their root', async () => {
    const { alice, bob, roomId } = await directPair(api);
    const word = `thr${crypto.randomUUID().replaceAll('-', '').slice(0, 10)}`;
    const a = await connectAs(api, alice, roomId);
    const root = await post(a, 'root');
    const reply = await post(a, `the ${word} answer`, root);
    await expect
      .poll(
        async () =>
          (await api.json<{ results: { seq: number; threadRootSeq?: number }[] }>('GET', `/api/search/messages?q=${word.slice(0, 8)}`, undefined, bob.token))
            .results,
        // Bob's search budget refills at about one a second.
        { timeout: 20_000, interval: 1100 },
      )
      .toEqual([expect.objectContaining({ seq: reply, threadRootSeq: root })]);
  });

  it('refuses threads in a secret chat with an error frame', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const { room } = await api.json<{ room: { id: string } }>('POST', '/api/rooms/secret', { username: ben.username }, ann.token);
    const a = await connectAs(api, ann, room.id);
    a.send({ type: 'send_secret', clientId: 's1', sealed: '{"sealed":"root"}' });
    const root = (await a.inbox.next('ack', (f) => f.clientId === 's1')).seq;
    a.send({ type: 'send_secret', clientId: 's2', sealed: '{"sealed":"reply"}', threadRootSeq: root });
    expect(await a.inbox.next('error', (f) => f.clientId === 's2')).toMatchObject({ code: 'forbidden', message: THREADS_IN_SECRET_ROOM_TEXT });
    a.send({ type: 'send_secret', clientId: 's3', sealed: '{"sealed":"next"}' });
    expect((await a.inbox.next('ack', (f) => f.clientId === 's3')).seq).toBe(root + 1);
  });
});
