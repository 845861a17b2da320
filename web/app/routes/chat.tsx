/**
 * The chat shell: conversation list beside the open conversation on wide screens; one pane
 * at a time on phones (the list at /chat, the conversation at /chat/:roomId). Calls ring and
 * run here, whichever conversation is open (CallProvider).
 */
import { Link, Outlet, useLocation, useParams } from '@remix-run/react';
import type { MetaFunction } from '@remix-run/cloudflare';
import { lazy, Suspense, useEffect, useState } from 'react';
import { RequireAuth } from '../components/RequireAuth';
import { RoomsProvider, useRooms, useUnreadTotal } from '../context/RoomsContext';
import { CallProvider } from '../context/CallContext';
import { useAuth, useMe } from '../context/AuthContext';
import { ConversationList } from '../components/ConversationList';
import { Avatar } from '../components/Avatar';
import { Logo } from '../components/Logo';
import { LogoutIcon, PlusIcon } from '../components/Icons';
import { roomTitle } from '../lib/format';

// Only loaded when someone edits their profile.
const ProfileDialog = lazy(() => import('../components/profile/ProfileDialog'));

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
  const { rooms, error, reload } = useRooms();
  const { roomId } = useParams();
  const location = useLocation();
  const unread = useUnreadTotal();
  const [signingOut, setSigningOut] = useState(false);
  const [editingProfile, setEditingProfile] = useState(false);
  const mainOpen = Boolean(roomId) || location.pathname !== '/chat';

  useEffect(() => {
    const room = roomId ? rooms?.find((r) => r.id === roomId) : undefined;
    const name = room ? roomTitle(room, room.members, me.id) : 'Chats';
    document.title = `${unread ? `(${unread}) ` : ''}${name} · edge-chat`;
  }, [roomId, rooms, unread, me.id]);

  return (
    <div className="shell" data-pane={mainOpen ? 'main' : 'list'}>
      <aside className="sidebar" aria-label="Your conversations">
        <header className="sidebar__header">
          <Logo />
          <Link to="/chat/new" className="icon-btn icon-btn--accent" aria-label="New conversation" data-testid="new-chat-button">
            <PlusIcon />
          </Link>
        </header>
        <ConversationList rooms={rooms} error={error} me={me.id} onRetry={() => void reload()} />
        <footer className="sidebar__footer">
          <button
            type="button"
            className="sidebar__profile"
            aria-label="Edit your profile"
            onClick={() => setEditingProfile(true)}
            data-testid="profile-button"
          >
            <Avatar id={me.id} name={me.displayName} avatarId={me.avatarId} size="sm" />
            <span className="sidebar__me">
              <span data-testid="me-name">{me.displayName}</span>
              <span className="muted">@{me.username}</span>
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
            aria-label="Sign out"
            data-testid="logout-button"
            disabled={signingOut}
            onClick={() => {
              setSigningOut(true);
              void signOut();
            }}
          >
            <LogoutIcon />
          </button>
        </footer>
      </aside>
      <main className="main">
        <Outlet />
      </main>
    </div>
  );
}
