import { describe, expect, it } from 'vitest';
import type { WireMessage } from './protocol';
import { initialMessages, lastSeqOf, messagesReducer, type MessagesAction, type MessagesState } from './messages';

const ME = 'me';
const ROOM = 'room-1';

function msg(seq: number, over: Partial<WireMessage> = {}): WireMessage {
  return {
    id: `id-${seq}`,
    roomId: ROOM,
    seq,
    senderId: 'other',
    clientId: `c-${seq}`,
    type: 'text',
    content: `message ${seq}`,
    replyToSeq: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    editedAt: null,
    deletedAt: null,
    reactions: [],
    ...over,
  };
}

const run = (...actions: MessagesAction[]): MessagesState =>
  actions.reduce(messagesReducer, messagesReducer(initialMessages, { type: 'reset', roomId: ROOM, pending: [] }));

const seqs = (s: MessagesState) => [...s.seqs];

describe('messagesReducer', () => {
  it('merges REST pages (newest first) and live frames by seq, in order, without duplicates', () => {
    const s = run(
      { type: 'merge', messages: [msg(11), msg(12)], me: ME },
      { type: 'page', messages: [msg(12), msg(11), msg(10), msg(9)], nextBefore: 9 },
      { type: 'merge', messages: [msg(13)], me: ME },
      { type: 'merge', messages: [msg(13)], me: ME },
      { type: 'page', messages: [msg(8), msg(7)], nextBefore: null },
    );
    expect(seqs(s)).toEqual([7, 8, 9, 10, 11, 12, 13]);
    expect(s.bySeq.size).toBe(7);
    expect(s.hasOlder).toBe(false);
    expect(lastSeqOf(s)).toBe(13);
  });

  it('keeps paging while the server returns a cursor', () => {
    const s = run({ type: 'page', messages: [msg(60), msg(59)], nextBefore: 59 });
    expect(s.loaded).toBe(true);
    expect(s.hasOlder).toBe(true);
    expect(s.nextBefore).toBe(59);
  });

  it('replaces an optimistic message by the acknowledged one, matched by clientId', () => {
    let s = run({
      type: 'queued',
      message: { clientId: 'abc', content: 'hi', replyToSeq: 3, createdAt: '2026-01-01T00:00:00.000Z', status: 'sending' },
    });
    expect(s.pending).toHaveLength(1);
    s = messagesReducer(s, { type: 'ack', clientId: 'abc', id: 'm-1', seq: 4, createdAt: '2026-01-01T00:00:01.000Z', me: ME, roomId: ROOM });
    expect(s.pending).toHaveLength(0);
    expect(s.bySeq.get(4)).toMatchObject({ clientId: 'abc', content: 'hi', senderId: ME, replyToSeq: 3 });
    // The broadcast of the same message afterwards changes nothing.
    s = messagesReducer(s, { type: 'merge', messages: [msg(4, { senderId: ME, clientId: 'abc', content: 'hi', replyToSeq: 3 })], me: ME });
    expect(seqs(s)).toEqual([4]);
  });

  it('drops a pending message when its broadcast arrives before the ack', () => {
    let s = run({
      type: 'queued',
      message: { clientId: 'abc', content: 'hi', replyToSeq: null, createdAt: '2026-01-01T00:00:00.000Z', status: 'sending' },
    });
    s = messagesReducer(s, { type: 'merge', messages: [msg(5, { senderId: ME, clientId: 'abc' })], me: ME });
    expect(s.pending).toHaveLength(0);
    s = messagesReducer(s, { type: 'ack', clientId: 'abc', id: 'id-5', seq: 5, createdAt: 'x', me: ME, roomId: ROOM });
    expect(seqs(s)).toEqual([5]);
  });

  it('does not drop my pending message because someone else used the same clientId', () => {
    let s = run({
      type: 'queued',
      message: { clientId: 'same', content: 'mine', replyToSeq: null, createdAt: 'x', status: 'sending' },
    });
    s = messagesReducer(s, { type: 'merge', messages: [msg(1, { clientId: 'same', senderId: 'other' })], me: ME });
    expect(s.pending).toHaveLength(1);
  });

  it('marks a failed send and puts it back to sending on retry', () => {
    let s = run({ type: 'queued', message: { clientId: 'x1', content: 'a', replyToSeq: null, createdAt: 'x', status: 'sending' } });
    s = messagesReducer(s, { type: 'failed', clientId: 'x1', error: 'message is empty' });
    expect(s.pending[0]).toMatchObject({ status: 'failed', error: 'message is empty' });
    s = messagesReducer(s, { type: 'retry', clientId: 'x1' });
    expect(s.pending[0]).toMatchObject({ status: 'sending', error: undefined });
    s = messagesReducer(s, { type: 'discard', clientId: 'x1' });
    expect(s.pending).toHaveLength(0);
  });

  it('keeps a rate-limited message queued (in place) until it may be sent again', () => {
    let s = run(
      { type: 'queued', message: { clientId: 'a', content: '1', replyToSeq: null, createdAt: 'x', status: 'sending' } },
      { type: 'queued', message: { clientId: 'b', content: '2', replyToSeq: null, createdAt: 'x', status: 'sending' } },
    );
    s = messagesReducer(s, { type: 'deferred', clientId: 'a', retryAfter: 1234 });
    expect(s.pending.map((p) => [p.clientId, p.status, p.retryAfter])).toEqual([
      ['a', 'sending', 1234],
      ['b', 'sending', undefined],
    ]);
  });

  it('applies updates (edit, delete, reactions) over what it holds, but a stale copy never undeletes', () => {
    let s = run({ type: 'merge', messages: [msg(1)], me: ME });
    s = messagesReducer(s, { type: 'merge', messages: [msg(1, { content: '', deletedAt: '2026-01-01T01:00:00.000Z' })], replace: true, me: ME });
    // A history page fetched before the delete arrives late.
    s = messagesReducer(s, { type: 'page', messages: [msg(1)], nextBefore: null });
    expect(s.bySeq.get(1)?.deletedAt).not.toBeNull();
    s = messagesReducer(s, { type: 'merge', messages: [msg(1, { reactions: [{ emoji: '👍', userIds: [ME] }], deletedAt: '2026-01-01T01:00:00.000Z' })], replace: true, me: ME });
    expect(s.bySeq.get(1)?.reactions).toHaveLength(1);
  });

  it('forgets what precedes a cut-short catch-up, to page it again', () => {
    let s = run({ type: 'page', messages: [msg(3), msg(2), msg(1)], nextBefore: null });
    s = messagesReducer(s, { type: 'merge', messages: [msg(3000), msg(3001)], me: ME });
    s = messagesReducer(s, { type: 'gap', seq: 3000 });
    expect(seqs(s)).toEqual([3000, 3001]);
    expect(s.hasOlder).toBe(true);
    expect(s.nextBefore).toBe(3000);
  });

  it('keeps the outbox across a reset of the room', () => {
    const pending = [{ clientId: 'p', content: 'later', replyToSeq: null, createdAt: 'x', status: 'sending' as const }];
    const s = messagesReducer(run({ type: 'merge', messages: [msg(1)], me: ME }), { type: 'reset', roomId: 'room-2', pending });
    expect(s.roomId).toBe('room-2');
    expect(s.seqs).toEqual([]);
    expect(s.pending).toEqual(pending);
  });
});
