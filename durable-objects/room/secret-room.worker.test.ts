/**
 * A secret chat's room (docs/e2e.md) takes only ciphertext: a plain `send` is refused with
 * an error frame that says why, the socket stays open, and `send_secret` on it still works.
 * Its calls carry each side's sealed DTLS fingerprints as a `sealed` call signal, relayed as is.
 */
import { describe, expect, it } from 'vitest';
import { PLAIN_SEND_IN_SECRET_ROOM_TEXT } from '../protocol';
import { api, connectRoom as connect } from '../../tests/support/workerd-client';

describe('secret room', () => {
  it('refuses a plain send with a clear error and keeps the socket usable for send_secret', async () => {
    const alice = await api.register('alice');
    const bob = await api.register('bob');
    const { room } = await api.json<{ room: { id: string; secret: boolean } }>('POST', '/api/rooms/secret', { username: bob.username }, alice.token);
    expect(room.secret).toBe(true);
    const a = await connect(alice, room.id);
    const b = await connect(bob, room.id);

    a.send({ type: 'send', clientId: 'plain', content: 'this must never be stored in the clear' });
    const refusal = await a.inbox.next('error');
    expect(refusal).toMatchObject({ code: 'forbidden', clientId: 'plain', message: PLAIN_SEND_IN_SECRET_ROOM_TEXT });

    // Same socket, next frame: the ciphertext goes through.
    const sealed = '{"v":1,"from":"d","to":[]}';
    a.send({ type: 'send_secret', clientId: 'sealed', sealed });
    const ack = await a.inbox.next('ack');
    expect(ack).toMatchObject({ clientId: 'sealed', seq: 1 });
    const received = await b.inbox.next('message');
    expect(received.message).toMatchObject({ seq: 1, type: 'secret', senderId: alice.id });
    expect(await b.inbox.none('message')).toHaveLength(0);

    const history = await api.history(alice, room.id);
    expect(history.messages.map((m) => m.content)).toEqual([sealed]);
  });

  it('relays a call\'s sealed fingerprints to the other participant verbatim and stores nothing of them', async () => {
    const alice = await api.register('alice');
    const bob = await api.register('bob');
    const { room } = await api.json<{ room: { id: string } }>('POST', '/api/rooms/secret', { username: bob.username }, alice.token);
    const a = await connect(alice, room.id);
    const b = await connect(bob, room.id);
    const callId = crypto.randomUUID();
    a.send({ type: 'call_start', callId, media: 'voice' });
    await a.inbox.next('call_state', (f) => f.call.status === 'ringing');
    b.send({ type: 'call_accept', callId });
    await a.inbox.next('call_state', (f) => f.call.status === 'accepted');

    const signal = { kind: 'sealed', sealed: '{"v":1,"from":"device","to":[{"d":"other","h":"aGVhZGVy","c":"Y2lwaGVy"}]}' } as const;
    a.send({ type: 'call_signal', callId, signal });
    expect(await b.inbox.next('call_signal')).toEqual({ type: 'call_signal', callId, fromUserId: alice.id, signal });
    b.send({ type: 'call_hangup', callId });
    await a.inbox.next('message', (f) => f.message.type === 'call');
    const history = await api.history(alice, room.id);
    expect(history.messages.map((m) => m.content).join('')).not.toContain('Y2lwaGVy');
  });

  it('still takes plain sends in the ordinary conversation of the same two people', async () => {
    const alice = await api.register('alice');
    const bob = await api.register('bob');
    await api.json('POST', '/api/rooms/secret', { username: bob.username }, alice.token);
    const roomId = await api.openDirect(alice, bob);
    const a = await connect(alice, roomId);
    a.send({ type: 'send', clientId: 'plain', content: 'hello' });
    expect(await a.inbox.next('ack')).toMatchObject({ clientId: 'plain', seq: 1 });
  });
});
