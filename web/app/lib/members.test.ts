import { describe, expect, it } from 'vitest';
import { isDeleted, liveMembers, othersAllDeleted, shownUsername } from './members';
import { roomTitle } from './format';

const member = (userId: string, displayName: string, deleted?: boolean) => ({
  userId,
  username: deleted ? `deleted-${userId}` : userId,
  displayName,
  role: 'member' as const,
  lastReadSeq: 0,
  ...(deleted === undefined ? {} : { deleted }),
});

const me = member('me', 'Me');
const ann = member('ann', 'Ann');
const gone = member('0b5e', 'Deleted user', true);

describe('deleted members', () => {
  it('tells deleted accounts apart (the flag is optional on the wire)', () => {
    expect(isDeleted(gone)).toBe(true);
    expect(isDeleted(ann)).toBe(false);
    expect(isDeleted(member('x', 'X', false))).toBe(false);
    expect(liveMembers([me, gone, ann])).toEqual([me, ann]);
  });

  it('never offers the placeholder username of a deleted account', () => {
    expect(shownUsername(ann)).toBe('ann');
    expect(shownUsername(gone)).toBeNull();
  });

  it('a room is read-only only when everyone else is deleted and someone else was there', () => {
    expect(othersAllDeleted([me, gone], 'me')).toBe(true);
    expect(othersAllDeleted([me, gone, ann], 'me')).toBe(false);
    expect(othersAllDeleted([me], 'me')).toBe(false);
    expect(othersAllDeleted([], 'me')).toBe(false);
  });

  it('an unnamed group is titled after the people still in it', () => {
    expect(roomTitle({ kind: 'group', name: null }, [me, gone, ann], 'me')).toBe('Ann');
    expect(roomTitle({ kind: 'direct', name: null }, [me, gone], 'me')).toBe('Deleted user');
  });
});
