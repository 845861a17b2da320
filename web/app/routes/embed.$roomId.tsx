/**
 * A minimal chat view meant for an iframe on another site: one conversation, no navigation.
 * `/embed/<roomId>?invite=<token>` lets people who are not members yet join through the
 * group's invite link. Signed-out visitors sign in (or register) inside the frame.
 *
 * Framing is allowed only on the origins the group's admins list: the Worker widens the page's
 * CSP frame-ancestors for this route (worker/http/page-headers.ts).
 *
 * Sessions: the app's refresh cookie is SameSite=Strict, so browsers neither send nor store it
 * in a frame on another site. Signing in inside such a frame asks for the embed cookie instead
 * (SameSite=None, Partitioned: kept per embedding site), so the frame stays signed in across
 * reloads there. Browsers that block third-party cookies outright fall back to a session that
 * lasts while the page is open, and the page says so.
 */
import { useParams, useSearchParams } from '@remix-run/react';
import type { MetaFunction } from '@remix-run/cloudflare';
import { useEffect, useState, type FormEvent } from 'react';
import { useAuth } from '../context/AuthContext';
import { RoomsProvider } from '../context/RoomsContext';
import { api, ApiError, errorMessage, needsSecondStep, type InvitePreview, type PublicUser, type SecondStepRequired } from '../services/api';
import { SecondStepForm } from '../components/SecondStepForm';
import { ChatWindow } from '../components/ChatWindow';
import { Splash } from '../components/Splash';
import { Logo } from '../components/Logo';
import { Avatar } from '../components/Avatar';
import { Field } from '../components/AuthForm';
import { pluralize } from '../lib/format';
import { FormError } from '../components/FormError';

export const meta: MetaFunction = () => [{ title: 'Chat · edge-chat' }];

export default function EmbedRoute() {
  const { roomId } = useParams();
  const [params] = useSearchParams();
  const invite = params.get('invite');
  const { status, user } = useAuth();
  if (status === 'loading' || !roomId) return <Splash />;
  if (!user) return <EmbedSignIn roomId={roomId} invite={invite} />;
  return <EmbedRoom key={`${roomId}:${user.id}`} roomId={roomId} invite={invite} me={user} />;
}

type Access =
  | { state: 'checking' }
  | { state: 'member' }
  | { state: 'invited'; room: InvitePreview['room'] }
  | { state: 'refused'; message: string };

function EmbedRoom({ roomId, invite, me }: { roomId: string; invite: string | null; me: PublicUser }) {
  const [access, setAccess] = useState<Access>({ state: 'checking' });
  const [joining, setJoining] = useState(false);
  const [joinError, setJoinError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    const check = async (): Promise<Access> => {
      try {
        await api.room(roomId);
        return { state: 'member' };
      } catch (err) {
        if (!(err instanceof ApiError) || ![400, 403, 404].includes(err.status)) return { state: 'refused', message: errorMessage(err) };
      }
      if (!invite) return { state: 'refused', message: 'You are not a member of this conversation. Ask its admin for an invite link.' };
      try {
        const { room } = await api.invitePreview(invite);
        if (room.id === roomId) return { state: 'invited', room };
      } catch {
        // Falls through: the link does not open this room.
      }
      return { state: 'refused', message: 'This invite link is invalid, expired or has been revoked.' };
    };
    void check().then((a) => !cancelled && setAccess(a));
    return () => {
      cancelled = true;
    };
  }, [roomId, invite]);

  const join = async () => {
    if (!invite) return;
    setJoining(true);
    setJoinError(null);
    try {
      await api.acceptInvite(invite);
      setAccess({ state: 'member' });
    } catch (err) {
      setJoinError(errorMessage(err));
      setJoining(false);
    }
  };

  if (access.state === 'checking') return <Splash />;
  if (access.state === 'member') {
    return (
      <main className="embed" data-testid="embed">
        <RoomsProvider>
          <ChatWindow roomId={roomId} me={me.id} variant="embed" headerActions={<EmbedSignOut />} />
        </RoomsProvider>
      </main>
    );
  }
  return (
    <main className="center-page embed-gate" data-testid="embed-gate" data-state={access.state}>
      <Logo />
      {access.state === 'invited' ? (
        <>
          <Avatar id={access.room.id} name={access.room.name ?? 'Group'} size="lg" group />
          <h1 data-testid="join-group-name">{access.room.name ?? 'Group chat'}</h1>
          <p className="muted">{pluralize(access.room.members, 'member')}</p>
          <FormError message={joinError} />
          <button type="button" className="btn btn--primary" onClick={() => void join()} disabled={joining} data-testid="join-button">
            {joining ? 'Joining…' : 'Join the chat'}
          </button>
          <p className="hint">
            Joining as {me.displayName === me.username ? `@${me.username}` : `${me.displayName} (@${me.username})`}
          </p>
        </>
      ) : (
        <p className="form-error" role="alert" data-testid="embed-error">
          {access.message}
        </p>
      )}
    </main>
  );
}

/** The group's name for the sign-in's heading, once known (null: not shown to visitors, or not yet). */
function useEmbeddedGroupName(roomId: string, invite: string | null): string | null {
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    api
      .embeddedGroup(roomId, invite)
      .then(({ room }) => !cancelled && setName(room?.name ?? null))
      // Only a nicer heading is lost: the sign-in works without it.
      .catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [roomId, invite]);
  return name;
}

function EmbedSignIn({ roomId, invite }: { roomId: string; invite: string | null }) {
  const { signIn } = useAuth();
  const groupName = useEmbeddedGroupName(roomId, invite);
  const invited = Boolean(invite);
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [form, setForm] = useState({ login: '', username: '', displayName: '', email: '', password: '' });
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [step, setStep] = useState<SecondStepRequired['secondStep'] | null>(null);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFields({});
    try {
      const session =
        mode === 'login'
          ? await api.login({ login: form.login.trim(), password: form.password }, framedByAnotherSite())
          : await api.register(
              {
                username: form.username.trim().toLowerCase(),
                email: form.email.trim(),
                password: form.password,
                ...(form.displayName.trim() ? { displayName: form.displayName.trim() } : {}),
              },
              framedByAnotherSite(),
            );
      if (needsSecondStep(session)) {
        setStep(session.secondStep);
        setBusy(false);
      } else signIn(session);
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) setFields(err.fieldErrors());
      setError(mode === 'login' && err instanceof ApiError && err.status === 401 ? 'Wrong username or password.' : errorMessage(err));
      setBusy(false);
    }
  };

  if (step) {
    return (
      <main className="embed-auth" data-testid="embed-signin">
        <Logo />
        <h1>Two-step sign-in</h1>
        <SecondStepForm step={step} embedded={framedByAnotherSite()} onSignedIn={signIn} onRestart={() => setStep(null)} />
      </main>
    );
  }

  return (
    <main className="embed-auth" data-testid="embed-signin">
      <Logo />
      <h1>{mode === 'login' ? 'Sign in to chat' : 'Create an account'}</h1>
      {groupName ? (
        <p className="muted" data-testid="embed-group">
          {invited ? "You're invited to " : 'Sign in to join '}
          <strong>{groupName}</strong>.
        </p>
      ) : (
        <p className="muted" data-testid="embed-group">
          {invited ? "You're invited to this group chat." : 'Sign in to join this conversation.'}
        </p>
      )}
      <form className="stack" onSubmit={submit} noValidate>
        <FormError message={error} testId="form-error" />
        {mode === 'login' ? (
          <Field label="Username or email" name="login" autoComplete="username" autoCapitalize="none" spellCheck={false} value={form.login} onChange={set('login')} error={fields.login} />
        ) : (
          <>
            <Field label="Username" name="username" autoComplete="username" autoCapitalize="none" spellCheck={false} value={form.username} onChange={set('username')} error={fields.username} />
            <Field label="Display name (optional)" name="displayName" autoComplete="name" value={form.displayName} onChange={set('displayName')} error={fields.displayName} />
            <Field label="Email" name="email" type="email" autoComplete="email" value={form.email} onChange={set('email')} error={fields.email} />
          </>
        )}
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
          value={form.password}
          onChange={set('password')}
          error={fields.password}
        />
        <button type="submit" className="btn btn--primary btn--block" disabled={busy} data-testid="embed-signin-submit">
          {busy ? 'One moment…' : mode === 'login' ? 'Sign in' : 'Create account'}
        </button>
      </form>
      <p className="embed-auth__switch">
        {mode === 'login' ? 'New here? ' : 'Have an account? '}
        <button
          type="button"
          className="link-btn"
          onClick={() => {
            setMode(mode === 'login' ? 'register' : 'login');
            setError(null);
            setFields({});
          }}
        >
          {mode === 'login' ? 'Create an account' : 'Sign in'}
        </button>
      </p>
      <p className="hint">
        Your sign-in here is kept for this site only. If your browser blocks third-party cookies, you'll sign in again after a reload.
      </p>
    </main>
  );
}

/** Signing out inside the frame (a second click confirms). */
function EmbedSignOut() {
  const { signOut } = useAuth();
  const [confirming, setConfirming] = useState(false);
  return confirming ? (
    <span className="row embed-signout">
      <button type="button" className="btn btn--danger btn--xs" autoFocus onClick={() => void signOut()} data-testid="embed-confirm-signout">
        Sign out
      </button>
      <button type="button" className="btn btn--ghost btn--xs" onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </span>
  ) : (
    <button type="button" className="btn btn--ghost btn--xs" onClick={() => setConfirming(true)} data-testid="embed-signout">
      Sign out
    </button>
  );
}

/** True inside an iframe whose page is on another site (cross-origin parents cannot be read). */
function framedByAnotherSite(): boolean {
  if (window.top === window.self) return false;
  try {
    return window.top?.location.origin !== window.location.origin;
  } catch {
    return true;
  }
}
