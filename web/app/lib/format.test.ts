import { describe, expect, it } from 'vitest';
import { describeCall, formatDateTime, groupCreatedText, initials, lastActiveText, previewText, roomPreview, roomTitle } from './format';
import type { RoomSummary } from '../services/api';
import { backoffDelay } from '../services/socket';

describe('format', () => {
  it('gives a date with the time, so an expiry days away does not read as today', () => {
    const at = new Date(2026, 11, 7, 14, 49).toISOString();
    const text = formatDateTime(at);
    expect(text).toContain(new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' }).format(new Date(at)));
    expect(text).toContain(new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(new Date(at)));
    expect(text).toMatch(/7/);
  });

  it('takes initials from whole code points of words', () => {
    expect(initials('Alice Liddell')).toBe('AL');
    expect(initials('bob')).toBe('BO');
    expect(initials('Book club 📚')).toBe('BC');
    expect(initials('Ünal Çelik')).toBe('ÜÇ');
    expect(initials('📚')).toBe('📚');
  });

  it('describes call records and never shows their JSON', () => {
    expect(describeCall(JSON.stringify({ callId: 'c', media: 'video', status: 'missed', durationMs: null }))).toBe('Missed video call');
    expect(describeCall(JSON.stringify({ callId: 'c', media: 'voice', status: 'accepted', durationMs: 125_000 }))).toBe('Voice call, 2:05');
    expect(describeCall(JSON.stringify({ callId: 'c', media: 'video', status: 'accepted', durationMs: 192_000 }), true)).toBe('Video call, 3:12');
    const missed = JSON.stringify({ callId: 'c', media: 'voice', status: 'missed', durationMs: null });
    expect(describeCall(missed, false)).toBe('Missed voice call');
    expect(describeCall(missed, true)).toBe('Voice call, no answer');
    expect(describeCall(JSON.stringify({ callId: 'c', media: 'video', status: 'rejected', durationMs: null }), false)).toBe('Declined video call');
    expect(describeCall(JSON.stringify({ callId: 'c', media: 'video', status: 'busy', durationMs: null }), true)).toBe('Video call, busy');
    expect(describeCall('{"not":"a call"}')).toBe('Call');
    expect(previewText({ type: 'text', content: 'a\n\n b', deletedAt: null })).toBe('a b');
    expect(previewText({ type: 'text', content: 'gone', deletedAt: '2026-01-01T00:00:00Z' })).toBe('Message deleted');
  });

  it('names direct rooms after the other member', () => {
    const members = [
      { userId: 'me', username: 'me', displayName: 'Me', role: 'member' as const, lastReadSeq: 0 },
      { userId: 'b', username: 'bob', displayName: 'Bob', role: 'member' as const, lastReadSeq: 0 },
    ];
    expect(roomTitle({ kind: 'direct', name: null }, members, 'me')).toBe('Bob');
    expect(roomTitle({ kind: 'group', name: 'Team' }, members, 'me')).toBe('Team');
  });
});

describe('lastActiveText', () => {
  it('says minutes for the last hour, then the date and time', () => {
    const now = Date.parse('2026-12-06T22:00:00Z');
    expect(lastActiveText('2026-12-06T21:59:30Z', now)).toBe('Active just now');
    expect(lastActiveText('2026-12-06T21:55:00Z', now)).toBe('Active 5 min ago');
    expect(lastActiveText('2026-12-06T20:00:00Z', now)).toBe(`Active ${formatDateTime('2026-12-06T20:00:00Z')}`);
  });
});

describe('roomPreview', () => {
  const ann = { userId: '00000000-0000-4000-8000-00000000000a', username: 'ann', displayName: 'Ann Smith', role: 'admin' as const, lastReadSeq: 0 };
  const room = (content: string): RoomSummary => ({
    id: 'r',
    kind: 'group',
    name: 'Club',
    lastSeq: 1,
    lastMessageAt: null,
    lastReadSeq: 0,
    unreadCount: 0,
    members: [ann],
    lastMessage: { id: 'm', roomId: 'r', seq: 1, senderId: null, clientId: 'sys:1', type: 'system', content, replyToSeq: null, createdAt: '', editedAt: null, deletedAt: null, reactions: [] },
  });
  it('shows a system line with names, never its tokens', () => {
    expect(roomPreview(room(`<@${ann.userId}|ann> renamed the group to "Club"`), 'me')).toBe('Ann Smith renamed the group to "Club"');
    expect(roomPreview(room(`<@${ann.userId}|ann> left`), ann.userId)).toBe('You left');
  });
});

describe('groupCreatedText', () => {
  const ann = { userId: 'a', username: 'ann', displayName: 'Ann Smith', role: 'admin' as const, lastReadSeq: 0 };
  const at = '2026-03-03T12:00:00.000Z';
  it('names the creator: me, a member, or someone gone', () => {
    expect(groupCreatedText({ createdAt: at, createdBy: 'a' }, [ann], 'a')).toMatch(/^You created this group on .*2026\.$/);
    expect(groupCreatedText({ createdAt: at, createdBy: 'a' }, [ann], 'b')).toMatch(/^Ann Smith created this group on /);
    expect(groupCreatedText({ createdAt: at, createdBy: 'x' }, [ann], 'b')).toMatch(/^A former member created this group on /);
    expect(groupCreatedText({}, [ann], 'b')).toBe('Someone created this group.');
  });
});

describe('backoffDelay', () => {
  it('grows exponentially, is jittered, and is capped at 30 s', () => {
    expect(backoffDelay(0, () => 0)).toBe(250);
    expect(backoffDelay(0, () => 1)).toBe(500);
    expect(backoffDelay(3, () => 1)).toBe(4000);
    expect(backoffDelay(20, () => 1)).toBe(30_000);
    for (let i = 0; i < 50; i++) {
      const d = backoffDelay(5);
      expect(d).toBeGreaterThanOrEqual(250);
      expect(d).toBeLessThanOrEqual(16_000);
    }
  });
});
