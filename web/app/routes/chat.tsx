/**
 * The chat shell: conversation list beside the open conversation on wide screens; one pane
 * at a time on phones (the list at /chat, the conversation at /chat/:roomId). Calls ring and
 * run here, whichever conversation is open (CallProvider).
 */
import { Link, NavLink, Outlet, useLocation, useNavigate, useParams } from '@remix-run/react';
import type { MetaFunction } from '@remix-run/cloudflare';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { RequireAuth } from '../components/RequireAuth';
import { RoomsProvider, useRooms, useUnreadTotal } from '../context/RoomsContext';
import { CallProvider } from '../context/CallContext';
import { useAuth, useMe } from '../context/AuthContext';
import { ConversationList } from '../components/ConversationList';
import { Avatar } from '../components/Avatar';
import { Logo } from '../components/Logo';
import { LockIcon, LogoutIcon, MoonIcon, PhoneIcon, PlusIcon, SearchIcon, SettingsIcon, StarIcon } from '../components/Icons';
import { SearchPanel } from '../components/SearchPanel';
import { NotifyPrompt } from '../components/NotifyPrompt';
import { EmailReminder } from '../components/security/EmailReminder';
import { isTyping, ShortcutsDialog } from '../components/ShortcutsDialog';
import { ChatToolsContext, type ChatTools } from '../context/ChatTools';
import { useNotifications } from '../hooks/useNotifications';
import { useChatSwitchKeys } from '../hooks/useChatSwitchKeys';
import { useQuickSwitcherKey } from '../hooks/useQuickSwitcherKey';
import { QuickSwitcher } from '../components/QuickSwitcher';
import { api, errorMessage, type MuteDuration } from '../services/api';
import { roomTitle } from '../lib/format';
import { useTheme } from '../lib/theme';

// Only loaded when someone edits their profile.
const ProfileDialog = lazy(() => import('../components/profile/ProfileDialog'));
// Only loaded when someone opens their starred messages.
const StarredPanel = lazy(() => import('../components/StarredPanel'));

export const meta: MetaFunction = () => [{ title: 'Chats · edge-chat' }];

export default function ChatRoute() {
  return (
    <RequireAuth>
      <RoomsProvider>
        <CallProvider>
          <ChatShell />
        </CallProvider>
      </RoomsProvider>
    </RequireAuth>
  );
}

function ChatShell() {
  const me = useMe();
  const { signOut } = useAuth();
  const { rooms, error, reload, patchRoom, organise } = useRooms();
  const { roomId } = useParams();
  const notifications = useNotifications(me, roomId ?? null);
  useChatSwitchKeys(roomId);
  const [shortcuts, setShortcuts] = useState(false);
  const [switcher, setSwitcher] = useState(false);
  useQuickSwitcherKey(useCallback(() => setSwitcher(true), []));
  const navigate = useNavigate();
  // The dialog closes first (focus goes back where it was), then the chat opens and its composer takes focus.
  const openFromSwitcher = (id: string) => {
    setSwitcher(false);
    if (id !== roomId) navigate(`/chat/${id}`);
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(e.target)) {
        e.preventDefault();
        setShortcuts(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  /** The search panel: undefined = closed; null = all chats; a room id = within it. */
  const [search, setSearch] = useState<string | null | undefined>(undefined);
  const [starredOpen, setStarredOpen] = useState(false);
  const [toolError, setToolError] = useState<string | null>(null);
  const mute = useCallback(
    async (id: string, duration: MuteDuration) => {
      try {
        const { mutedUntil } = await api.muteRoom(id, duration);
        patchRoom(id, { mutedUntil });
      } catch (err) {
        setToolError(errorMessage(err));
      }
    },
    [patchRoom],
  );
  const tools = useMemo<ChatTools>(() => ({ openSearch: (id) => setSearch(id), mute }), [mute]);
  useEffect(() => {
    if (!toolError) return;
    const t = setTimeout(() => setToolError(null), 4000);
    return () => clearTimeout(t);
  }, [toolError]);
  const location = useLocation();
  const unread = useUnreadTotal();
  const [signingOut, setSigningOut] = useState(false);
  const [confirmSignOut, setConfirmSignOut] = useState(false);
  const { theme, setTheme } = useTheme();
  const [editingProfile, setEditingProfile] = useState(false);
  const mainOpen = Boolean(roomId) || location.pathname !== '/chat';

  // Opening a chat I marked unread clears the mark (on every device). Checked once per opening:
  // marking the open chat unread keeps the mark until it is opened again.
  const opened = useRef<string | null>(null);
  useEffect(() => {
    if (!roomId) opened.current = null;
    if (!roomId || !rooms || opened.current === roomId) return;
    opened.current = roomId;
    if (rooms.find((r) => r.id === roomId)?.markedUnread) void organise(roomId, { markedUnread: false }).catch((err: unknown) => setToolError(errorMessage(err)));
  }, [roomId, rooms, organise]);

  useEffect(() => {
    const room = roomId ? rooms?.find((r) => r.id === roomId) : undefined;
    const name = room ? roomTitle(room, room.members, me.id) : 'Chats';
    document.title = `${unread ? `(${unread}) ` : ''}${name} · edge-chat`;
  }, [roomId, rooms, unread, me.id]);

  return (
    <div className="shell" data-pane={mainOpen ? 'main' : 'list'}>
      <a className="skip-link" href="#main-content">
        Skip to {roomId ? 'the conversation' : 'main content'}
      </a>
      <aside className="sidebar" aria-label="Your conversations">
        <header className="sidebar__header">
          {/* The page's heading when no conversation (with its own h1) is open. */}
          {!mainOpen && <h1 className="visually-hidden">Chats</h1>}
          <Logo />
          <button type="button" className="icon-btn sidebar__search" aria-label="Search messages and people" onClick={() => setSearch(null)} data-testid="search-button">
            <SearchIcon />
          </button>
          <button type="button" className="icon-btn" aria-label="Starred messages" title="Starred messages" onClick={() => setStarredOpen(true)} data-testid="starred-button">
            <StarIcon />
          </button>
          <NavLink to="/chat/calls" className="icon-btn" aria-label="Calls" title="Calls" data-testid="calls-button">
            <PhoneIcon />
          </NavLink>
          <Link to="/chat/new?tab=secret" className="icon-btn" aria-label="Start secret chat" title="Start secret chat" data-testid="new-secret-chat-button">
            <LockIcon />
          </Link>
          <Link to="/chat/new" className="icon-btn icon-btn--accent" aria-label="New conversation" data-testid="new-chat-button">
            <PlusIcon />
          </Link>
        </header>
        <EmailReminder />
        <ConversationList rooms={rooms} error={error} me={me.id} onRetry={() => void reload()} />
        <footer className="sidebar__footer">
          <button
            type="button"
            className="sidebar__profile"
            title="Edit your profile"
            onClick={() => setEditingProfile(true)}
            data-testid="profile-button"
          >
            <Avatar id={me.id} name={me.displayName} avatarId={me.avatarId} size="sm" />
            <span className="sidebar__me">
              <span data-testid="me-name">{me.displayName}</span>
              <span className="muted">@{me.username}</span>
              {/* Read after the visible name, never instead of it (label-content-name-mismatch). */}
              <span className="visually-hidden">, edit your profile</span>
            </span>
          </button>
          {editingProfile && (
            <Suspense fallback={null}>
              <ProfileDialog onClose={() => setEditingProfile(false)} />
            </Suspense>
          )}
          <button
            type="button"
            className="icon-btn"
            aria-label="Dark mode"
            aria-pressed={theme === 'dark'}
            title="Dark mode"
            onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
            data-testid="theme-toggle"
          >
            <MoonIcon />
          </button>
          <Link to="/chat/account" className="icon-btn" aria-label="Your account" title="Your account" data-testid="account-link">
            <SettingsIcon />
          </Link>
          <button
            type="button"
            className="icon-btn"
            aria-label="Sign out"
            aria-expanded={confirmSignOut}
            data-testid="logout-button"
            disabled={signingOut}
            onClick={() => setConfirmSignOut((v) => !v)}
          >
            <LogoutIcon />
          </button>
          {confirmSignOut && (
            <div
              className="popover sidebar__confirm"
              role="dialog"
              aria-labelledby="signout-title"
              data-testid="signout-confirm"
              onKeyDown={(e) => {
                if (e.key !== 'Escape') return;
                setConfirmSignOut(false);
                document.querySelector<HTMLElement>('[data-testid="logout-button"]')?.focus();
              }}
            >
              <p id="signout-title">
                <strong>Sign out?</strong> Chats saved on this device and unsent messages are removed from it.
              </p>
              <div className="row">
                <button
                  type="button"
                  className="btn btn--danger"
                  autoFocus
                  disabled={signingOut}
                  data-testid="confirm-logout"
                  onClick={() => {
                    setSigningOut(true);
                    void signOut();
                  }}
                >
                  Sign out
                </button>
                <button
                  type="button"
                  className="btn btn--secondary"
                  onClick={() => {
                    setConfirmSignOut(false);
                    document.querySelector<HTMLElement>('[data-testid="logout-button"]')?.focus();
                  }}
                >
                  Cancel
                </button>
              </div>
            </div>
          )}
        </footer>
      </aside>
      <main className="main" id="main-content" tabIndex={-1}>
        <ChatToolsContext.Provider value={tools}>
          <Outlet />
        </ChatToolsContext.Provider>
      </main>
      {search !== undefined && <SearchPanel me={me.id} rooms={rooms} roomId={search} onClose={() => setSearch(undefined)} />}
      {starredOpen && (
        <Suspense fallback={null}>
          <StarredPanel
            me={me.id}
            rooms={rooms}
            onClose={() => {
              setStarredOpen(false);
              document.querySelector<HTMLElement>('[data-testid="starred-button"]')?.focus();
            }}
          />
        </Suspense>
      )}
      {shortcuts && <ShortcutsDialog onClose={() => setShortcuts(false)} />}
      {switcher && <QuickSwitcher rooms={rooms} me={me.id} onOpen={openFromSwitcher} onClose={() => setSwitcher(false)} />}
      {notifications.prompt && <NotifyPrompt onEnable={() => void notifications.enable()} onDismiss={notifications.dismiss} />}
      {toolError && (
        <div className="toast" role="alert">
          {toolError}
        </div>
      )}
    </div>
  );
}
