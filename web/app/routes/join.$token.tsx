/**
 * An invite link: /join/<token>. Signed in, it previews the group (name, members) and joins it
 * with one click, then opens it. Signed out, it offers sign-in and registration, both of which
 * come back here afterwards. Invalid, expired and revoked links say so plainly.
 */
import { Link, useNavigate, useParams } from '@remix-run/react';
import type { MetaFunction } from '@remix-run/cloudflare';
import { useEffect, useState } from 'react';
import { useAuth } from '../context/AuthContext';
import { api, ApiError, errorMessage, type InvitePreview } from '../services/api';
import { Avatar } from '../components/Avatar';
import { Logo } from '../components/Logo';
import { Splash } from '../components/Splash';
import { pluralize } from '../lib/format';
import { FormError } from '../components/FormError';

export const meta: MetaFunction = () => [{ title: 'Join a group · edge-chat' }];

type Preview = { status: 'loading' } | { status: 'ready'; room: InvitePreview['room']; member: boolean } | { status: 'error'; message: string; invalid: boolean };

export default function JoinRoute() {
  const { token = '' } = useParams();
  const { status, user } = useAuth();
  const navigate = useNavigate();
  const [preview, setPreview] = useState<Preview>({ status: 'loading' });
  const [joining, setJoining] = useState(false);
  const [joinError, setJoinError] = useState<string | null>(null);
  const here = `/join/${token}`;

  useEffect(() => {
    if (status !== 'authenticated') return;
    let cancelled = false;
    setPreview({ status: 'loading' });
    api
      .invitePreview(token)
      .then(({ room, member }) => !cancelled && setPreview({ status: 'ready', room, member: member === true }))
      .catch((err: unknown) => {
        if (cancelled) return;
        const invalid = err instanceof ApiError && (err.status === 404 || err.status === 400);
        setPreview({ status: 'error', invalid, message: invalid ? 'This invite link is invalid, expired or has been revoked.' : errorMessage(err) });
      });
    return () => {
      cancelled = true;
    };
  }, [status, token]);

  if (status === 'loading') return <Splash />;

  if (status === 'anonymous' || !user) {
    const next = encodeURIComponent(here);
    return (
      <main className="center-page join" data-testid="join-page" data-state="signed-out">
        <div className="card join__card">
          <Logo />
          <h1>You're invited to a group</h1>
          <p className="muted">Sign in or create an account to see the group and join it.</p>
          <div className="join__actions">
            <Link className="btn btn--primary btn--block" to={`/login?next=${next}`} data-testid="join-signin">
              Sign in
            </Link>
            <Link className="btn btn--secondary btn--block" to={`/register?next=${next}`} data-testid="join-register">
              Create an account
            </Link>
          </div>
        </div>
      </main>
    );
  }

  const join = async () => {
    setJoining(true);
    setJoinError(null);
    try {
      const { room } = await api.acceptInvite(token);
      navigate(`/chat/${room.id}`, { replace: true });
    } catch (err) {
      setJoinError(err instanceof ApiError && err.status === 404 ? 'This invite link is invalid, expired or has been revoked.' : errorMessage(err));
      setJoining(false);
    }
  };

  return (
    <main className="center-page join" data-testid="join-page" data-state={preview.status}>
      <div className="card join__card">
        {preview.status === 'loading' && (
          <>
            <span className="skeleton join__skeleton-avatar" />
            <span className="skeleton skeleton--line" />
            <p className="visually-hidden" role="status">
              Loading the invitation…
            </p>
          </>
        )}
        {preview.status === 'error' && (
          <>
            <Logo />
            <h1>{preview.invalid ? 'This link does not work' : 'Something went wrong'}</h1>
            <p className="form-error" role="alert" data-testid="join-error">
              {preview.message}
            </p>
            {preview.invalid && <p className="muted">Ask the group's admin for a new invite link.</p>}
            <Link className="btn btn--secondary" to="/chat">
              Go to your chats
            </Link>
          </>
        )}
        {preview.status === 'ready' && (
          <>
            <span className="join__avatar">
              <Avatar id={preview.room.id} name={preview.room.name ?? 'Group'} size="lg" group />
            </span>
            <p className="muted" data-testid="join-lead">
              {preview.member ? "You're already a member of" : "You're invited to join"}
            </p>
            <h1 data-testid="join-group-name">{preview.room.name ?? 'a group'}</h1>
            <p className="muted" data-testid="join-members">
              {pluralize(preview.room.members, 'member')}
            </p>
            <FormError message={joinError} testId="join-error" />
            <div className="join__actions">
              {preview.member ? (
                <Link className="btn btn--primary btn--block" to={`/chat/${preview.room.id}`} data-testid="open-group">
                  Open group
                </Link>
              ) : (
                <button type="button" className="btn btn--primary btn--block" onClick={() => void join()} disabled={joining} data-testid="join-button">
                  {joining ? 'Joining…' : 'Join group'}
                </button>
              )}
              <Link className="btn btn--ghost btn--block" to="/chat">
                Not now
              </Link>
            </div>
            <p className="hint">
              Signed in as {user.displayName === user.username ? `@${user.username}` : `${user.displayName} (@${user.username})`}
            </p>
          </>
        )}
      </div>
    </main>
  );
}
