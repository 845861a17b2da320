/**
 * The room Durable Object inside workerd, through the real Worker, with a real
 * PostgreSQL behind the Neon driver and the local WebSocket relay.
 */
import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES } from '../protocol';
import { api, connectRoom as connect, upgrade } from '../../tests/support/workerd-client';

async function pair() {
  const alice = await api.register('alice');
  const bob = await api.register('bob');
  const roomId = await api.openDirect(alice, bob);
  return { alice, bob, roomId };
}

describe('ChatRoom', () => {
  it('acks the sender and broadcasts with the same seq, once', async () => {
    const { alice, bob, roomId } = await pair();
    const a = await connect(alice, roomId);
    const b = await connect(bob, roomId);
    expect(a.ready.lastSeq).toBe(0);
    expect(b.ready.members.map((m) => m.userId).sort()).toEqual([alice.id, bob.id].sort());

    a.send({ type: 'send', clientId: 'c1', content: 'hello bob' });
    // The sender hears its ack before its own message comes back (clients clear the in-flight send on it).
    const first = await a.inbox.nextOf(['ack', 'message']);
    expect(first.type).toBe('ack');
    const ack = first as Extract<typeof first, { type: 'ack' }>;
    const received = await b.inbox.next('message');
    expect(ack).toMatchObject({ clientId: 'c1', seq: 1 });
    expect(received.message).toMatchObject({ seq: ack.seq, id: ack.id, senderId: alice.id, content: 'hello bob' });
    expect(await b.inbox.none('message')).toHaveLength(0);
  });

  it('acknowledges a resend with the same clientId again and stores it once', async () => {
    const { alice, bob, roomId } = await pair();
    const a = await connect(alice, roomId);
    const b = await connect(bob, roomId);
    a.send({ type: 'send', clientId: 'same', content: 'once' });
    const first = await a.inbox.next('ack');
    a.send({ type: 'send', clientId: 'same', content: 'once' });
    const second = await a.inbox.next('ack');
    expect(second).toEqual(first);
    await b.inbox.next('message');
    expect(await b.inbox.none('message')).toHaveLength(0);
    const history = await api.history(alice, roomId);
    expect(history.messages.map((m) => m.content)).toEqual(['once']);
  });

  it('keeps concurrent sends in one total order across batches', async () => {
    const { alice, bob, roomId } = await pair();
    const a = await connect(alice, roomId);
    const b = await connect(bob, roomId);
    const count = 60;
    for (let i = 0; i < count; i++) {
      (i % 2 ? b : a).send({ type: 'send', clientId: `m${i}`, content: `message ${i}` });
    }
    const seen: number[] = [];
    for (let i = 0; i < count; i++) seen.push((await a.inbox.next('message')).message.seq);
    expect(seen).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    // Each sender's own messages keep the order they were sent in.
    const alices = a.inbox.all('message').filter((f) => f.message.senderId === alice.id).map((f) => f.message.content);
    expect(alices).toEqual(Array.from({ length: count / 2 }, (_, i) => `message ${i * 2}`));
  });

  it('takes the sender from the credential, never from the frame', async () => {
    const { alice, bob, roomId } = await pair();
    const a = await connect(alice, roomId);
    const b = await connect(bob, roomId);
    a.send({ type: 'send', clientId: 'forged', content: 'who am i', senderId: bob.id, seq: 999 });
    const got = await b.inbox.next('message');
    expect(got.message.senderId).toBe(alice.id);
    expect(got.message.seq).toBe(1);
  });

  it('answers bad frames with an error and keeps the socket usable', async () => {
    const { alice, bob, roomId } = await pair();
    const a = await connect(alice, roomId);
    a.ws.send('{not json');
    expect(await a.inbox.next('error')).toMatchObject({ code: 'bad_json' });
    a.send({ type: 'send', clientId: 'big', content: 'x'.repeat(MAX_FRAME_BYTES) });
    expect(await a.inbox.next('error')).toMatchObject({ code: 'frame_too_large' });
    a.send({ type: 'shout', content: 'hi' });
    expect(await a.inbox.next('error')).toMatchObject({ code: 'bad_frame' });
    a.send({ type: 'send', clientId: 'empty', content: '   ' });
    expect(await a.inbox.next('error')).toMatchObject({ code: 'bad_frame', clientId: 'empty' });
    a.send({ type: 'send', clientId: 'after', content: 'still here' });
    expect(await a.inbox.next('ack')).toMatchObject({ clientId: 'after', seq: 1 });
    void bob;
  });

  it('stores replies, and refuses a reply to a message that does not exist', async () => {
    const { alice, bob, roomId } = await pair();
    const a = await connect(alice, roomId);
    const b = await connect(bob, roomId);
    a.send({ type: 'send', clientId: 'q', content: 'lunch?' });
    const { seq } = await a.inbox.next('ack');
    b.send({ type: 'send', clientId: 'r', content: 'yes', replyToSeq: seq });
    expect((await a.inbox.next('message', (f) => f.message.clientId === 'r')).message.replyToSeq).toBe(seq);
    b.send({ type: 'send', clientId: 'bad', content: 'to the future', replyToSeq: 99 });
    expect(await b.inbox.next('error')).toMatchObject({ code: 'not_found', clientId: 'bad' });
  });

  it('stores SQL-looking text verbatim', async () => {
    const { alice, roomId } = await pair();
    const a = await connect(alice, roomId);
    const evil = "'); drop table messages; -- \\ $1 %s";
    a.send({ type: 'send', clientId: 'sql', content: evil });
    await a.inbox.next('ack');
    expect((await api.history(alice, roomId)).messages[0]?.content).toBe(evil);
  });

  it('replays exactly what a reconnecting client missed, then goes live', async () => {
    const { alice, bob, roomId } = await pair();
    const a = await connect(alice, roomId);
    for (let i = 1; i <= 5; i++) {
      a.send({ type: 'send', clientId: `r${i}`, content: `r${i}` });
      await a.inbox.next('ack');
    }
    const b = await connect(bob, roomId, 2);
    expect(b.ready.lastSeq).toBe(5);
    const history = await b.inbox.next('history');
    expect(history.messages.map((m) => m.seq)).toEqual([3, 4, 5]);
    expect(await b.inbox.next('synced')).toMatchObject({ lastSeq: 5, complete: true });
    a.send({ type: 'send', clientId: 'r6', content: 'r6' });
    expect((await b.inbox.next('message')).message.seq).toBe(6);
    expect(b.inbox.all('message').map((f) => f.message.seq)).toEqual([6]);
    // Nothing missed: still a `synced`, and no history.
    const upToDate = await connect(bob, roomId, 6);
    expect(await upToDate.inbox.next('synced')).toEqual({ type: 'synced', lastSeq: 6, complete: true });
    expect(upToDate.inbox.all('history')).toEqual([]);
  });

  it('edits, deletes and reacts only on the sender’s own messages', async () => {
    const { alice, bob, roomId } = await pair();
    const a = await connect(alice, roomId);
    const b = await connect(bob, roomId);
    a.send({ type: 'send', clientId: 'e1', content: 'tpyo' });
    const { seq } = await a.inbox.next('ack');
    b.send({ type: 'edit', seq, content: 'hijacked' });
    expect(await b.inbox.next('error')).toMatchObject({ code: 'forbidden', message: 'only the sender can change that message' });
    b.send({ type: 'delete', seq });
    expect(await b.inbox.next('error')).toMatchObject({ code: 'forbidden' });
    a.send({ type: 'edit', seq, content: 'typo' });
    const edited = await b.inbox.next('updated');
    expect(edited.message).toMatchObject({ seq, content: 'typo' });
    expect(edited.message.editedAt).not.toBeNull();
    b.send({ type: 'react', seq, emoji: '👍', on: true });
    expect((await a.inbox.next('updated', (f) => f.message.reactions.length > 0)).message.reactions).toEqual([{ emoji: '👍', userIds: [bob.id] }]);
    a.send({ type: 'delete', seq });
    const deleted = await b.inbox.next('updated', (f) => f.message.deletedAt !== null);
    expect(deleted.message).toMatchObject({ seq, content: '', reactions: [] });
  });

  it('moves read cursors forward only and tells the room', async () => {
    const { alice, bob, roomId } = await pair();
    const a = await connect(alice, roomId);
    const b = await connect(bob, roomId);
    a.send({ type: 'send', clientId: 'x1', content: 'one' });
    a.send({ type: 'send', clientId: 'x2', content: 'two' });
    await a.inbox.next('ack');
    await a.inbox.next('ack');
    b.send({ type: 'read', seq: 99 });
    expect(await a.inbox.next('read')).toEqual({ type: 'read', userId: bob.id, seq: 2 });
    b.send({ type: 'read', seq: 1 });
    expect(await a.inbox.none('read')).toHaveLength(0);
  });

  it('relays typing with an expiry and presence on first and last socket', async () => {
    const { alice, bob, roomId } = await pair();
    const a = await connect(alice, roomId);
    const b = await connect(bob, roomId);
    expect(await a.inbox.next('presence')).toEqual({ type: 'presence', userId: bob.id, online: true });
    expect(b.ready.members.find((m) => m.userId === alice.id)?.online).toBe(true);
    const before = Date.now();
    b.send({ type: 'typing', active: true });
    const typing = await a.inbox.next('typing');
    expect(typing.userId).toBe(bob.id);
    expect(typing.until).toBeGreaterThan(before);
    expect(await b.inbox.none('typing')).toHaveLength(0);
    b.ws.close(1000, 'bye');
    expect(await a.inbox.next('presence')).toEqual({ type: 'presence', userId: bob.id, online: false });
  });

  it('refuses a reused ticket, a ticket for another room and a non-member', async () => {
    const { alice, bob, roomId } = await pair();
    const carol = await api.register('carol');
    const ticket = await api.ticket(alice, roomId);
    const first = await upgrade(`/ws/rooms/${roomId}?ticket=${ticket}`);
    first.webSocket?.accept();
    expect(first.status).toBe(101);
    expect((await upgrade(`/ws/rooms/${roomId}?ticket=${ticket}`)).status).toBe(401);
    const otherRoom = await api.openDirect(alice, carol);
    expect((await upgrade(`/ws/rooms/${otherRoom}?ticket=${await api.ticket(alice, roomId)}`)).status).toBe(401);
    expect((await upgrade(`/ws/rooms/${roomId}?token=${carol.token}`)).status).toBe(403);
    expect((await api.request('POST', `/api/rooms/${roomId}/ws-ticket`, undefined, carol.token)).status).toBe(403);
    void bob;
  });
});

describe('ChatRoom rate limit', () => {
  it('refuses a burst beyond the limit with retryAfterMs, then accepts again', async () => {
    const { alice, roomId } = await pair();
    const a = await connect(alice, roomId);
    // The default room limit: a burst of 30, then 300 a minute (one per 200 ms). The room refills
    // while it works through the burst, so how many pass depends on how fast it runs: count
    // against that refill rather than expecting exactly the 31st to be refused.
    const sent = 60;
    const started = performance.now();
    for (let i = 0; i < sent; i++) a.send({ type: 'send', clientId: `burst${i}`, content: `n${i}` });
    // Refusals are answered at once, acks once stored: order the answers by send.
    const answers: { clientId: string; ok: boolean; retryAfterMs?: number }[] = [];
    for (let i = 0; i < sent; i++) {
      const frame = await a.inbox.nextOf(['ack', 'error']);
      const index = Number(frame.clientId?.replace('burst', ''));
      answers[index] = frame.type === 'ack' ? { clientId: frame.clientId, ok: true } : { clientId: frame.clientId!, ok: false, retryAfterMs: frame.retryAfterMs };
    }
    expect(answers.filter(Boolean)).toHaveLength(sent);
    const elapsedMs = performance.now() - started;
    const firstRefused = answers.findIndex((x) => !x.ok);
    expect(firstRefused, 'the burst of 30 passes').toBeGreaterThanOrEqual(30);
    expect(firstRefused, `at most 30 + the refill over ${elapsedMs.toFixed(0)} ms`).toBeLessThanOrEqual(30 + Math.floor(elapsedMs / 200));
    const limited = answers[firstRefused]!;
    expect(limited).toMatchObject({ clientId: `burst${firstRefused}`, ok: false });
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    expect(limited.retryAfterMs).toBeLessThanOrEqual(200);
    // One refill interval (the most retryAfterMs can say) after the last answer, the bucket has a
    // token again, whatever the machine's speed.
    const lastRefused = answers.filter((x) => !x.ok).at(-1)!;
    await new Promise((resolve) => setTimeout(resolve, 200 + 50));
    a.send({ type: 'send', clientId: lastRefused.clientId, content: 'again' });
    expect(await a.inbox.next('ack', (f) => f.clientId === lastRefused.clientId)).toMatchObject({ clientId: lastRefused.clientId });
  });
});
