/**
 * Who is signed in. The access token lives only in memory; the refresh token is an HttpOnly
 * cookie the browser sends to POST /api/auth/refresh. On load we try a refresh (the session
 * survives reloads), then refresh again shortly before the token expires. Refreshes are
 * serialised across tabs (Web Locks) and shared through a BroadcastChannel, so two tabs do not
 * race to rotate the same refresh cookie; signing out in one tab signs out all of them.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, ApiError, setTokenSource, type PublicUser, type Session } from '../services/api';
import { offlineStore } from '../lib/offline-store';
import { forgetUserOnDevice } from '../lib/forget-device';

export type AuthStatus = 'loading' | 'authenticated' | 'anonymous';

interface StoredSession {
  user: PublicUser;
  token: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface AuthValue {
  status: AuthStatus;
  user: PublicUser | null;
  /** Current access token (null when signed out). Prefer the api service, which adds it for you. */
  getToken(): string | null;
  /** Adopts the session returned by login/register. */
  signIn(session: Session): void;
  signOut(): Promise<void>;
  /**
   * My account (`userId`: the session may already be gone, its sockets closed) was just deleted:
   * nothing of mine stays on this device, every tab signs out, and the login page says why.
   */
  signOutDeletedAccount(userId: string): void;
  /** Said on the login page after a sign-out that needs explaining (the account was deleted); null otherwise. */
  signedOutNotice: string | null;
  /** Gets a fresh access token now (e.g. a socket was closed because the session ended). */
  refresh(): Promise<string | null>;
  /** True after the user signed out here or in another tab (no "come back to" page then). */
  signedOut: boolean;
  /**
   * True while the server could not be reached to restore the session and the app runs on what
   * this device kept from the last signed-in user (no token yet: it is fetched once reachable).
   */
  offline: boolean;
  /** Set when the last attempt to restore the session failed for a reason other than "no session". */
  restoreError: string | null;
  retryRestore(): void;
  /** My profile changed (display name, picture): every tab shows the new one. */
  updateUser(user: PublicUser): void;
}

const AuthContext = createContext<AuthValue | null>(null);

const CHANNEL = 'edge-chat-auth';
const LOCK = 'edge-chat-refresh';
/** Refresh this long before expiry (or at 80 % of the lifetime for short tokens). */
const REFRESH_MARGIN_MS = 60_000;

type ChannelMessage = { type: 'session'; session: StoredSession } | { type: 'logout'; notice?: string };

const ACCOUNT_DELETED_NOTICE = 'Your account was deleted.';

function toStored(session: Session): StoredSession {
  return { user: session.user, token: session.token, expiresAt: Date.now() + session.expiresIn * 1000 };
}

/** The token while it has a few seconds left; an expired one would only earn a 401. */
function validToken(session: StoredSession | null): string | null {
  return session && session.expiresAt - Date.now() > 5_000 ? session.token : null;
}

function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  return locks ? (locks.request(LOCK, fn) as Promise<T>) : fn();
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<StoredSession | null>(null);
  const [status, setStatus] = useState<AuthStatus>('loading');
  const [restoreError, setRestoreError] = useState<string | null>(null);
  const [signedOut, setSignedOut] = useState(false);
  const [signedOutNotice, setSignedOutNotice] = useState<string | null>(null);
  const [offlineUser, setOfflineUser] = useState<PublicUser | null>(null);
  const sessionRef = useRef<StoredSession | null>(null);
  const inflight = useRef<Promise<string | null> | null>(null);
  const channel = useRef<BroadcastChannel | null>(null);

  const adopt = useCallback((next: StoredSession | null, broadcast: boolean) => {
    sessionRef.current = next;
    setSession(next);
    setOfflineUser(null);
    setStatus(next ? 'authenticated' : 'anonymous');
    if (next) setRestoreError(null);
    if (next) offlineStore.setLastUser(next.user);
    if (broadcast) channel.current?.postMessage(next ? { type: 'session', session: next } : { type: 'logout' });
  }, []);

  /** Single-flight refresh. Resolves to the new token, or null when there is no session. */
  const refresh = useCallback((): Promise<string | null> => {
    if (inflight.current) return inflight.current;
    const before = sessionRef.current;
    const run = withLock(async () => {
      // Another tab may have refreshed while we waited for the lock.
      const now = sessionRef.current;
      if (now && now !== before && now.expiresAt - Date.now() > REFRESH_MARGIN_MS) return now.token;
      try {
        const fresh = toStored(await api.refresh());
        adopt(fresh, true);
        return fresh.token;
      } catch (err) {
        if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
          // The session is over (ended here or elsewhere): nothing of this user stays on the device.
          const ended = sessionRef.current?.user ?? offlineStore.lastUser();
          if (ended) void forgetUserOnDevice(ended.id);
          offlineStore.setLastUser(null);
          adopt(null, false);
          return null;
        }
        // Network trouble: keep what we have; callers see the failure of their own request.
        // Nothing yet (opened offline): carry on as the last user of this device, if any.
        const last = sessionRef.current ? null : offlineStore.lastUser();
        if (last) {
          setOfflineUser(last);
          setStatus('authenticated');
        } else if (!sessionRef.current) {
          setStatus('anonymous');
          setRestoreError(err instanceof ApiError ? err.message : 'Could not restore your session.');
        }
        return sessionRef.current?.token ?? null;
      }
    }).finally(() => {
      inflight.current = null;
    });
    inflight.current = run;
    return run;
  }, [adopt]);

  // The api service asks us for tokens.
  useEffect(() => {
    setTokenSource({ getToken: () => validToken(sessionRef.current), refresh });
    return () => setTokenSource(null);
  }, [refresh]);

  // Other tabs.
  useEffect(() => {
    if (typeof BroadcastChannel === 'undefined') return;
    const ch = new BroadcastChannel(CHANNEL);
    channel.current = ch;
    ch.onmessage = (event: MessageEvent<ChannelMessage>) => {
      const msg = event.data;
      if (msg?.type === 'session') {
        // Same person: take the fresher token. Someone else signed in: follow them.
        const cur = sessionRef.current;
        if (!cur || cur.user.id !== msg.session.user.id || msg.session.expiresAt > cur.expiresAt) adopt(msg.session, false);
      } else if (msg?.type === 'logout') {
        setSignedOut(true);
        setSignedOutNotice(msg.notice ?? null);
        adopt(null, false);
      }
    };
    return () => {
      ch.close();
      channel.current = null;
    };
  }, [adopt]);

  // Restore the session on load.
  useEffect(() => {
    void refresh();
  }, [refresh]);

  // Opened offline: get a real session as soon as the network is back.
  useEffect(() => {
    if (!offlineUser) return;
    const retry = () => void refresh();
    window.addEventListener('online', retry);
    const timer = setInterval(retry, 30_000);
    return () => {
      window.removeEventListener('online', retry);
      clearInterval(timer);
    };
  }, [offlineUser, refresh]);

  // Refresh shortly before expiry; after sleeping in the background, check as soon as visible.
  useEffect(() => {
    if (!session) return;
    const lifetime = session.expiresAt - Date.now();
    const margin = Math.min(REFRESH_MARGIN_MS, lifetime * 0.2);
    const timer = setTimeout(() => void refresh(), Math.max(1000, lifetime - margin));
    const onVisible = () => {
      if (document.visibilityState === 'visible' && sessionRef.current && sessionRef.current.expiresAt - Date.now() < REFRESH_MARGIN_MS) {
        void refresh();
      }
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [session, refresh]);

  const signIn = useCallback(
    (s: Session) => {
      setSignedOut(false);
      setSignedOutNotice(null);
      adopt(toStored(s), true);
    },
    [adopt],
  );

  const signOut = useCallback(async () => {
    try {
      await api.logout();
    } catch {
      // The cookie is cleared server-side when reachable; locally we forget the token either way.
    }
    const user = sessionRef.current?.user ?? offlineUser;
    if (user) await forgetUserOnDevice(user.id);
    setSignedOut(true);
    adopt(null, true);
  }, [adopt, offlineUser]);

  const signOutDeletedAccount = useCallback(
    (userId: string) => {
      void forgetUserOnDevice(userId, { accountDeleted: true });
      setSignedOut(true);
      setSignedOutNotice(ACCOUNT_DELETED_NOTICE);
      adopt(null, false);
      channel.current?.postMessage({ type: 'logout', notice: ACCOUNT_DELETED_NOTICE } satisfies ChannelMessage);
    },
    [adopt],
  );

  const retryRestore = useCallback(() => {
    setStatus('loading');
    setRestoreError(null);
    void refresh();
  }, [refresh]);

  const updateUser = useCallback(
    (user: PublicUser) => {
      const cur = sessionRef.current;
      if (cur && cur.user.id === user.id) adopt({ ...cur, user }, true);
    },
    [adopt],
  );

  const value = useMemo<AuthValue>(
    () => ({
      status,
      user: session?.user ?? offlineUser,
      offline: !session && Boolean(offlineUser),
      getToken: () => validToken(sessionRef.current),
      signIn,
      signOut,
      signOutDeletedAccount,
      signedOutNotice,
      refresh,
      signedOut,
      restoreError,
      retryRestore,
      updateUser,
    }),
    [status, session, offlineUser, signIn, signOut, signOutDeletedAccount, signedOutNotice, refresh, signedOut, restoreError, retryRestore, updateUser],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth must be used inside <AuthProvider>');
  return ctx;
}

/** The signed-in user; only for components rendered behind <RequireAuth>. */
export function useMe(): PublicUser {
  const { user } = useAuth();
  if (!user) throw new Error('useMe used while signed out');
  return user;
}
