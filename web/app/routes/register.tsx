import { Link, Navigate, useSearchParams } from '@remix-run/react';
import type { MetaFunction } from '@remix-run/cloudflare';
import { useState, type FormEvent } from 'react';
import { useAuth } from '../context/AuthContext';
import { api, ApiError, errorMessage } from '../services/api';
import { AuthCard, Field } from '../components/AuthForm';
import { safeNext } from '../components/RequireAuth';
import { FormError } from '../components/FormError';

export const meta: MetaFunction = () => [{ title: 'Create account · edge-chat' }];

interface Form {
  username: string;
  displayName: string;
  email: string;
  password: string;
}

/** Mirrors the server's rules for instant feedback; the server stays the authority. */
function check(form: Form): Record<string, string> {
  const errors: Record<string, string> = {};
  const u = form.username.trim().toLowerCase();
  if (u.length < 3) errors.username = 'Username must be at least 3 characters.';
  else if (u.length > 32) errors.username = 'Username must be at most 32 characters.';
  else if (!/^[a-z0-9_]+$/.test(u)) errors.username = 'Use only letters, digits and “_”.';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.email.trim())) errors.email = 'Enter a valid email address.';
  if (form.password.length < 8) errors.password = 'Password must be at least 8 characters.';
  else if (new TextEncoder().encode(form.password).byteLength > 72) errors.password = 'Password must be at most 72 bytes.';
  if (form.displayName.trim().length > 64) errors.displayName = 'Display name must be at most 64 characters.';
  return errors;
}

export default function Register() {
  const { status, signIn } = useAuth();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [form, setForm] = useState<Form>({ username: '', displayName: '', email: '', password: '' });
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (status === 'authenticated') return <Navigate to={next} replace />;

  const set = (key: keyof Form) => (e: { target: { value: string } }) => {
    setForm((f) => ({ ...f, [key]: e.target.value }));
    if (fields[key]) setFields(({ [key]: _, ...rest }) => rest);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const local = check(form);
    setFields(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      const displayName = form.displayName.trim();
      signIn(
        await api.register({
          username: form.username.trim().toLowerCase(),
          email: form.email.trim(),
          password: form.password,
          ...(displayName ? { displayName } : {}),
        }),
      );
    } catch (err) {
      if (err instanceof ApiError) {
        const f = err.fieldErrors();
        if (err.status === 409) {
          if (/username/i.test(err.message)) f.username = 'That username is taken.';
          else if (/email/i.test(err.message)) f.email = 'That email is already registered. Sign in instead?';
        }
        setFields(f);
        if (!Object.keys(f).length) setError(err.message);
      } else {
        setError(errorMessage(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard title="Create your account" subtitle="Chat and call in real time, on any device.">
      <form className="stack" onSubmit={submit} noValidate data-testid="register-form">
        <FormError message={error} testId="form-error" />
        <Field
          label="Username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          maxLength={32}
          value={form.username}
          onChange={set('username')}
          error={fields.username}
          hint="3–32 letters, digits or “_”. People find you by it."
          autoFocus
        />
        <Field label="Display name (optional)" name="displayName" autoComplete="name" maxLength={64} value={form.displayName} onChange={set('displayName')} error={fields.displayName} />
        <Field label="Email" name="email" type="email" autoComplete="email" required value={form.email} onChange={set('email')} error={fields.email} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          value={form.password}
          onChange={set('password')}
          error={fields.password}
          hint="At least 8 characters, not your username."
        />
        <button type="submit" className="btn btn--primary btn--block" disabled={busy} data-testid="register-submit">
          {busy ? 'Creating account…' : 'Create account'}
        </button>
      </form>
      <p className="auth__switch">
        Already have an account? <Link to={`/login${next !== '/chat' ? `?next=${encodeURIComponent(next)}` : ''}`}>Sign in</Link>
      </p>
    </AuthCard>
  );
}
