import { describe, expect, it } from 'vitest';
import type { RoomMember, RoomSummary } from '../services/api';
import { foldForMatch, matchRooms } from './switcher-match';

const ME = 'me';
const member = (userId: string, displayName: string, username = userId): RoomMember => ({ userId, username, displayName, role: 'member', lastReadSeq: 0 });

function room(id: string, others: RoomMember[], extra: Partial<RoomSummary> = {}): RoomSummary {
  return {
    id,
    kind: others.length === 1 && !extra.name ? 'direct' : 'group',
    name: null,
    lastSeq: 0,
    lastMessageAt: null,
    lastReadSeq: 0,
    unreadCount: 0,
    members: [member(ME, 'Me'), ...others],
    ...extra,
  };
}

const ids = (hits: { room: RoomSummary }[]) => hits.map((h) => h.room.id);

describe('foldForMatch', () => {
  it('drops case and accents', () => {
    expect(foldForMatch('José Ångström ÇA')).toBe('jose angstrom ca');
  });
});

describe('matchRooms', () => {
  const jose = room('jose', [member('u1', 'José Álvarez', 'jalvarez')], { lastMessageAt: '2026-12-01T10:00:00Z' });
  const team = room('team', [member('u2', 'Kim'), member('u3', 'Lee')], { name: 'Design team', lastMessageAt: '2026-12-05T10:00:00Z' });
  const marco = room('marco', [member('u4', 'Marco Rossi', 'marcor')], { lastMessageAt: '2026-12-04T10:00:00Z', unreadCount: 2 });
  const all = [jose, team, marco];

  it('lists everything with no query: unread first, then most recently active', () => {
    expect(ids(matchRooms(all, ME, ''))).toEqual(['marco', 'team', 'jose']);
  });

  it('matches titles, member names and usernames without case or accents', () => {
    expect(ids(matchRooms(all, ME, 'JOSE'))).toEqual(['jose']);
    expect(ids(matchRooms(all, ME, 'alva'))).toEqual(['jose']);
    expect(ids(matchRooms(all, ME, 'jalv'))).toEqual(['jose']);
    // A group by one of its members' names.
    expect(ids(matchRooms(all, ME, 'lee'))).toEqual(['team']);
    expect(ids(matchRooms(all, ME, 'nobody'))).toEqual([]);
  });

  it('puts names starting with the query (or with a word that does) before names containing it', () => {
    // "Rosa" starts with "ro"; "Pedro" only contains it, though it is the more recent chat.
    const rosa = room('rosa', [member('u5', 'Rosa')], { lastMessageAt: '2026-12-06T10:00:00Z' });
    const pedro = room('pedro', [member('u6', 'Pedro')], { lastMessageAt: '2026-12-07T10:00:00Z' });
    expect(ids(matchRooms([pedro, rosa], ME, 'ro'))).toEqual(['rosa', 'pedro']);
  });

  it('never matches me or a deleted member, and stops at the limit', () => {
    const gone = room('gone', [{ ...member('u7', 'Deleted user', 'deleted-u7'), deleted: true }, member('u8', 'Zed')], { name: 'Old crew' });
    expect(ids(matchRooms([gone], ME, 'deleted'))).toEqual([]);
    expect(ids(matchRooms([gone], ME, 'me'))).toEqual([]);
    expect(matchRooms(all, ME, '', 2)).toHaveLength(2);
  });
});
