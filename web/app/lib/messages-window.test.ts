/** Jumping far back: a window of history away from the loaded messages, and filling the gap. */
import { describe, expect, it } from 'vitest';
import type { WireMessage } from './protocol';
import { gapsOf, initialMessages, lastSeqOf, messagesReducer, type MessagesAction } from './messages';

const msg = (seq: number): WireMessage => ({
  id: `id-${seq}`, roomId: 'r', seq, senderId: 'x', clientId: `c${seq}`, type: 'text', content: `m${seq}`,
  replyToSeq: null, createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(), editedAt: null, deletedAt: null, reactions: [],
});
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => msg(to - i));
const run = (...actions: MessagesAction[]) => actions.reduce(messagesReducer, messagesReducer(initialMessages, { type: 'reset', roomId: 'r', pending: [] }));

describe('history windows', () => {
  it('a window below the loaded messages becomes where older pages continue, leaving a gap', () => {
    const s = run({ type: 'page', messages: range(951, 1000), nextBefore: 951 }, { type: 'window', messages: range(100, 149) });
    expect(s.nextBefore).toBe(100);
    expect(s.hasOlder).toBe(true);
    expect(gapsOf(s.seqs)).toEqual([{ below: 149, above: 951 }]);
    expect(lastSeqOf(s)).toBe(1000);
  });

  it('filling a gap leaves the older-page cursor alone and closes the gap', () => {
    let s = run({ type: 'page', messages: range(151, 200), nextBefore: 151 }, { type: 'window', messages: range(40, 89) });
    s = messagesReducer(s, { type: 'window', messages: range(90, 139) });
    expect(s.nextBefore).toBe(40);
    expect(gapsOf(s.seqs)).toEqual([{ below: 139, above: 151 }]);
    s = messagesReducer(s, { type: 'window', messages: range(140, 150) });
    expect(gapsOf(s.seqs)).toEqual([]);
  });

  it('a window reaching the first message means nothing is older', () => {
    const s = run({ type: 'page', messages: range(301, 350), nextBefore: 301 }, { type: 'window', messages: range(1, 30) });
    expect(s.hasOlder).toBe(false);
  });
});
