/**
 * The notifier's coalescing: one window's notices, who each goes to and what it counts. The
 * room's path into it (and the inbox behind it) is tested in tests/e2e/threads.test.ts; here the
 * window is driven by fake timers so two replies certainly share it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WireMessage } from '../protocol';
import type { UserInbox } from '../inbox/user-inbox';
import { ActivityNotifier } from './activity-notifier';

type Told = { userId: string; seq: number; count?: number };

/** An inbox namespace that records each `roomActivity` call, by the user it was addressed to. */
function recordingInboxes(told: Told[]): DurableObjectNamespace<UserInbox> {
  return {
    idFromName: (name: string) => name,
    get: (userId: string) => ({
      roomActivity: async (message: WireMessage, _user: string, count?: number) => {
        told.push({ userId, seq: message.seq, count });
      },
    }),
  } as unknown as DurableObjectNamespace<UserInbox>;
}

const message = (seq: number, senderId: string, threadRootSeq?: number): WireMessage => ({
  id: `m${seq}`,
  roomId: 'room',
  seq,
  senderId,
  clientId: `c${seq}`,
  type: 'text',
  content: '',
  replyToSeq: null,
  createdAt: '2026-12-07T00:00:00.000Z',
  editedAt: null,
  deletedAt: null,
  reactions: [],
  ...(threadRootSeq ? { threadRootSeq } : {}),
});

const bySeq = (told: Told[]) => [...told].sort((a, b) => a.userId.localeCompare(b.userId) || a.seq - b.seq);

describe('ActivityNotifier', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('tells each member of a thread reply meant for them, however the window coalesces, counting only theirs', async () => {
    const told: Told[] = [];
    const notifier = new ActivityNotifier(recordingInboxes(told));
    // Ann wrote the root. Ben's first reply mentions Cat, his second Dan: one window.
    notifier.noteThreadReply(message(11, 'ben', 10), new Set(['ann', 'ben', 'cat']));
    notifier.noteThreadReply(message(12, 'ben', 10), new Set(['ann', 'ben', 'dan']));
    notifier.schedule(() => ['ann', 'ben', 'cat', 'dan', 'eve']);
    await vi.runAllTimersAsync();
    expect(bySeq(told)).toEqual([
      { userId: 'ann', seq: 12, count: 2 },
      { userId: 'cat', seq: 11, count: 1 },
      { userId: 'dan', seq: 12, count: 1 },
    ]);
  });

  it('skips a reply from someone the member is hidden from, and still tells them of the others', async () => {
    const told: Told[] = [];
    const notifier = new ActivityNotifier(recordingInboxes(told), (sender) => new Set(sender === 'dan' ? ['ann'] : []));
    notifier.noteThreadReply(message(21, 'ben', 20), new Set(['ann', 'ben']));
    notifier.noteThreadReply(message(22, 'dan', 20), new Set(['ann', 'ben', 'dan']));
    notifier.schedule(() => ['ann', 'ben']);
    await vi.runAllTimersAsync();
    expect(bySeq(told)).toEqual([
      { userId: 'ann', seq: 21, count: 1 },
      { userId: 'ben', seq: 22, count: 1 },
    ]);
  });

  it('sends the main timeline and each thread in seq order, the timeline counting what others sent', async () => {
    const told: Told[] = [];
    const notifier = new ActivityNotifier(recordingInboxes(told));
    notifier.noteMessage(message(30, 'ann'));
    notifier.noteThreadReply(message(31, 'ben', 5), new Set(['cat']));
    notifier.noteMessage(message(32, 'cat'));
    notifier.schedule(() => ['ann', 'cat']);
    await vi.runAllTimersAsync();
    expect(told).toEqual([
      { userId: 'cat', seq: 31, count: 1 },
      { userId: 'ann', seq: 32, count: 1 },
      { userId: 'cat', seq: 32, count: 1 },
    ]);
  });

  it("tells a member of the newest main-timeline message they may see: a blocked sender's later message hides nothing else", async () => {
    const told: Told[] = [];
    // Dan and Ann blocked each other; Ben and Cat write in the same window, Dan last.
    const notifier = new ActivityNotifier(recordingInboxes(told), (sender) => new Set(sender === 'dan' ? ['ann'] : sender === 'ann' ? ['dan'] : []));
    notifier.noteMessage(message(40, 'ben'));
    notifier.noteMessage(message(41, 'cat'));
    notifier.noteMessage(message(42, 'dan'));
    notifier.schedule(() => ['ann', 'ben', 'dan']);
    await vi.runAllTimersAsync();
    expect(bySeq(told)).toEqual([
      { userId: 'ann', seq: 41, count: 2 },
      { userId: 'ben', seq: 42, count: 2 },
      { userId: 'dan', seq: 42, count: 2 },
    ]);
  });
});
