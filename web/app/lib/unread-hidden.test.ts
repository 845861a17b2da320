import { describe, expect, it } from 'vitest';
import type { RoomSummary } from '../services/api';
import type { WireMessage } from './protocol';
import { withoutHidden } from './unread-hidden';

const room = (over: Partial<RoomSummary> = {}): RoomSummary =>
  ({ id: 'r1', kind: 'group', name: 'G', lastSeq: 10, lastMessageAt: null, lastReadSeq: 5, unreadCount: 5, unreadMentions: 1, lastMessage: null, members: [], mutedUntil: null, ...over }) as RoomSummary;

const message = (seq: number, over: Partial<WireMessage> = {}): WireMessage => ({
  id: `m${seq}`,
  roomId: 'r1',
  seq,
  senderId: 'ann',
  clientId: `c${seq}`,
  type: 'text',
  content: 'hello',
  replyToSeq: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  editedAt: null,
  deletedAt: null,
  reactions: [],
  ...over,
});

describe('withoutHidden', () => {
  it('uncounts the unread messages I deleted for me, and their mentions', () => {
    const [after] = withoutHidden([room()], 'r1', [message(7), message(8, { content: '@ben look' })], 'ben', 'ben');
    expect(after).toMatchObject({ unreadCount: 3, unreadMentions: 0 });
  });

  it('leaves alone what never counted: read already, mine, system lines, deleted ones, other rooms', () => {
    const list = [room(), room({ id: 'r2' })];
    const hidden = [message(4), message(7, { senderId: 'ben' }), message(8, { type: 'system', senderId: null }), message(9, { deletedAt: 'x' })];
    expect(withoutHidden(list, 'r1', hidden, 'ben', 'ben')).toBe(list);
    expect(withoutHidden(list, 'r3', [message(7)], 'ben', 'ben')).toBe(list);
  });

  it('never goes below zero', () => {
    const [after] = withoutHidden([room({ unreadCount: 1, unreadMentions: 0 })], 'r1', [message(6), message(7)], 'ben', 'ben');
    expect(after).toMatchObject({ unreadCount: 0, unreadMentions: 0 });
  });
});
