/**
 * The room's members as the message rows need them: who is who (id, username, display name).
 * The same array is returned until one of those changes, so a read receipt or presence change
 * (which replaces the members list) does not re-render every memoised row (issue 18).
 */
import { useCallback, useRef } from 'react';
import type { WireMessage } from '../lib/protocol';
import type { RoomMember } from '../services/api';

export type NamedMember = Pick<RoomMember, 'userId' | 'username' | 'displayName'>;

const sameNames = (a: readonly NamedMember[], b: readonly NamedMember[]) =>
  a.length === b.length && a.every((x, i) => x.userId === b[i]!.userId && x.username === b[i]!.username && x.displayName === b[i]!.displayName);

export function useNamedMembers(members: readonly RoomMember[]): readonly NamedMember[] {
  const last = useRef<readonly NamedMember[]>(members);
  if (last.current !== members && !sameNames(last.current, members)) last.current = members;
  return last.current;
}

/**
 * Who has read a message, asked when its "read by" list opens: a stable function over the
 * latest members, so read cursors moving re-render no row.
 */
export function useReadersOf(members: readonly RoomMember[], me: string): (message: WireMessage) => string[] {
  const latest = useRef(members);
  latest.current = members;
  return useCallback(
    (m: WireMessage) => latest.current.filter((x) => x.userId !== m.senderId && x.lastReadSeq >= m.seq).map((x) => (x.userId === me ? 'You' : x.displayName)),
    [me],
  );
}
