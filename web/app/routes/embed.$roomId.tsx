/**
 * A minimal chat view meant for an iframe: one conversation, no navigation. The viewer must be
 * signed in and a member (invite links come later). Framing is allowed by the page's CSP
 * frame-ancestors (see entry.server.tsx).
 */
import { useParams } from '@remix-run/react';
import type { MetaFunction } from '@remix-run/cloudflare';
import { useAuth } from '../context/AuthContext';
import { RoomsProvider } from '../context/RoomsContext';
import { ChatWindow } from '../components/ChatWindow';
import { Splash } from '../components/Splash';
import { Logo } from '../components/Logo';

export const meta: MetaFunction = () => [{ title: 'Chat · edge-chat' }];

export default function EmbedRoute() {
  const { roomId } = useParams();
  const { status, user } = useAuth();
  if (status === 'loading') return <Splash />;
  if (!user || !roomId) {
    const next = `/embed/${roomId ?? ''}`;
    return (
      <main className="center-page embed-signin" data-testid="embed-signin">
        <Logo />
        <p>Sign in to join this conversation.</p>
        <a className="btn btn--primary" href={`/login?next=${encodeURIComponent(next)}`} target="_blank" rel="noopener">
          Sign in
        </a>
      </main>
    );
  }
  return (
    <div className="embed" data-testid="embed">
      <RoomsProvider>
        <ChatWindow key={roomId} roomId={roomId} me={user.id} variant="embed" />
      </RoomsProvider>
    </div>
  );
}
