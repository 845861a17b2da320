import { describe, expect, it } from 'vitest';
import type { WireMessage } from './protocol';
import { canStartThread, repliesByRoot, replyIsForMe, threadLineOf } from './threads';
import { wireMessage } from '../../../tests/support/wire-messages';

const msg = (seq: number, extra: Partial<WireMessage> = {}) => wireMessage('r', seq, 'ann', extra);

describe('threads in the page', () => {
  const root = msg(1);
  const replies = [msg(2, { threadRootSeq: 1, senderId: 'ben' }), msg(4, { threadRootSeq: 1 }), msg(5, { threadRootSeq: 3 })];

  it('groups replies by root, oldest first', () => {
    const byRoot = repliesByRoot([root, ...replies, msg(6)]);
    expect([...byRoot].map(([r, list]) => [r, list.map((m) => m.seq)])).toEqual([
      [1, [2, 4]],
      [3, [5]],
    ]);
  });

  it('counts from the root or from the live replies, whichever knows more, and is unread for replies by others after the seen one', () => {
    const mine = repliesByRoot(replies).get(1)!;
    expect(threadLineOf(root, mine, 0, 'ann')).toEqual({ count: 2, lastReplyAt: mine[1]!.createdAt, unread: true });
    expect(threadLineOf(root, mine, 2, 'ann')?.unread).toBe(false);
    const counted = { ...root, thread: { replyCount: 5, lastReplyAt: '2027-01-01T00:00:00.000Z' } };
    expect(threadLineOf(counted, mine, 4, 'ann')).toEqual({ count: 5, lastReplyAt: '2027-01-01T00:00:00.000Z', unread: false });
    expect(threadLineOf(root, [], 0, 'ann')).toBeNull();
    expect(threadLineOf(root, [{ ...mine[0]!, deletedAt: 'x' }], 0, 'ann')).toBeNull();
  });

  it('offers threads on live messages that are not replies, system lines or secret', () => {
    expect(canStartThread(root)).toBe(true);
    expect(canStartThread(replies[0]!)).toBe(false);
    expect(canStartThread(msg(9, { type: 'system' }))).toBe(false);
    expect(canStartThread(msg(9, { type: 'secret' }))).toBe(false);
    expect(canStartThread(msg(9, { deletedAt: 'x' }))).toBe(false);
  });

  it('takes a reply as for me (counted in the chat badge) when it mentions me or I wrote its root or an earlier reply', () => {
    const bySeq = (list: WireMessage[]) => new Map(list.map((m) => [m.seq, m]));
    const theirs = msg(1, { senderId: 'ben' });
    const later = msg(9, { threadRootSeq: 1, senderId: 'cat', content: 'me too' });
    expect(replyIsForMe(later, 'ann', 'ann', bySeq([theirs, later]))).toBe(false);
    expect(replyIsForMe({ ...later, content: 'ask @Ann' }, 'ann', 'ann', bySeq([theirs]))).toBe(true);
    expect(replyIsForMe(later, 'ann', 'ann', bySeq([msg(1, { senderId: 'ann' })]))).toBe(true);
    expect(replyIsForMe(later, 'ann', 'ann', bySeq([theirs, msg(5, { threadRootSeq: 1, senderId: 'ann' })]))).toBe(true);
    // A reply of mine after it, or in another thread, does not make it mine.
    expect(replyIsForMe(later, 'ann', 'ann', bySeq([theirs, msg(10, { threadRootSeq: 1, senderId: 'ann' }), msg(5, { threadRootSeq: 3, senderId: 'ann' })]))).toBe(false);
    expect(replyIsForMe(theirs, 'ann', 'ann', bySeq([theirs]))).toBe(false);
  });
});
