/**
 * The people I blocked (GET /api/blocks), with block and unblock that keep the list current.
 * Used by a direct chat (is the other person blocked by me? then it offers Unblock) and by the
 * account page's blocked list.
 */
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, type BlockedUser } from '../services/api';

export interface BlockedUsers {
  /** null until loaded (or when it could not be loaded). */
  list: BlockedUser[] | null;
  error: string | null;
  block(user: { id: string; username: string; displayName: string }): Promise<boolean>;
  unblock(username: string): Promise<boolean>;
}

const errorText = (err: unknown, fallback: string) => (err instanceof ApiError ? err.message : fallback);

export function useBlockedUsers(enabled = true): BlockedUsers {
  const [list, setList] = useState<BlockedUser[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    api
      .blockedUsers()
      .then(({ blocked }) => !cancelled && setList(blocked))
      .catch((err: unknown) => !cancelled && setError(errorText(err, 'Could not load the people you blocked.')));
    return () => {
      cancelled = true;
    };
  }, [enabled]);

  const block = useCallback(async (user: { id: string; username: string; displayName: string }) => {
    try {
      await api.blockUser(user.username);
      setError(null);
      setList((l) => [...(l ?? []).filter((b) => b.id !== user.id), { ...user, blockedAt: new Date().toISOString() }]);
      return true;
    } catch (err) {
      setError(errorText(err, 'Could not block; try again.'));
      return false;
    }
  }, []);

  const unblock = useCallback(async (username: string) => {
    try {
      await api.unblockUser(username);
    } catch (err) {
      // Not blocked any more (another device lifted it): the list is what is stale.
      if (!(err instanceof ApiError && err.status === 404)) {
        setError(errorText(err, 'Could not unblock; try again.'));
        return false;
      }
    }
    setError(null);
    setList((l) => l?.filter((b) => b.username !== username) ?? l);
    return true;
  }, []);

  return { list, error, block, unblock };
}
