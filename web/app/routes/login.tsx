import { Link, Navigate, useSearchParams } from '@remix-run/react';
import type { MetaFunction } from '@remix-run/cloudflare';
import { useEffect, useState, type FormEvent } from 'react';
import { offlineStore } from '../lib/offline-store';
import { useAuth } from '../context/AuthContext';
import { api, ApiError, errorMessage, needsSecondStep, type SecondStepRequired } from '../services/api';
import { SecondStepForm } from '../components/SecondStepForm';
import { passkeyErrorMessage, signInWithPasskey } from '../lib/passkey-browser';
import { AuthCard, Field } from '../components/AuthForm';
import { safeNext } from '../components/RequireAuth';
import { FormError } from '../components/FormError';

export const meta: MetaFunction = () => [{ title: 'Sign in · edge-chat' }];

export default function Login() {
  const { status, signIn, restoreError, retryRestore, signedOutNotice } = useAuth();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [step, setStep] = useState<SecondStepRequired['secondStep'] | null>(null);
  // "Welcome back" only for someone who signed in on this device before (read after hydration).
  const [returning, setReturning] = useState(false);
  useEffect(() => setReturning(offlineStore.returning()), []);
  // Written into the live region after it is on the page: screen readers announce a change, not a region born full.
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => setNotice(signedOutNotice), [signedOutNotice]);

  if (status === 'authenticated') return <Navigate to={next} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFields({});
    try {
      const result = await api.login({ login: login.trim(), password });
      if (needsSecondStep(result)) {
        setPassword('');
        setStep(result.secondStep);
      } else signIn(result);
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) setFields(err.fieldErrors());
      setError(err instanceof ApiError && err.status === 401 ? 'Wrong username or password.' : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const passkey = async () => {
    setBusy(true);
    setError(null);
    try {
      signIn(await signInWithPasskey());
    } catch (err) {
      setError(passkeyErrorMessage(err) ?? errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (step) {
    return (
      <AuthCard title="Two-step sign-in" subtitle="One more step to confirm it is you.">
        <SecondStepForm step={step} onSignedIn={signIn} onRestart={() => setStep(null)} />
      </AuthCard>
    );
  }

  return (
    <AuthCard title={returning ? 'Welcome back' : 'Sign in'} subtitle="Sign in to continue to your conversations.">
      {signedOutNotice && (
        <p className="auth__notice" role="status" data-testid="signed-out-notice">
          {notice}
        </p>
      )}
      {restoreError && (
        <p className="form-error" role="alert">
          {restoreError}{' '}
          <button type="button" className="link-btn" onClick={retryRestore}>
            Try again
          </button>
        </p>
      )}
      <form className="stack" onSubmit={submit} noValidate data-testid="login-form">
        <FormError message={error} testId="form-error" />
        <Field
          label="Username or email"
          name="login"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          value={login}
          onChange={(e) => setLogin(e.target.value)}
          error={fields.login}
          autoFocus
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fields.password}
        />
        <button type="submit" className="btn btn--primary btn--block" disabled={busy || !login.trim() || !password} data-testid="login-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <div className="stack auth__alternatives">
        <button type="button" className="btn btn--secondary btn--block" onClick={() => void passkey()} disabled={busy} data-testid="passkey-sign-in">
          Sign in with a passkey
        </button>
        <p className="auth__switch">
          <Link to="/forgot-password" data-testid="forgot-password-link">
            Forgot your password?
          </Link>
        </p>
      </div>
      <p className="auth__switch">
        New here?{' '}
        <Link to={`/register${next !== '/chat' ? `?next=${encodeURIComponent(next)}` : ''}`}>Create an account</Link>
      </p>
    </AuthCard>
  );
}
