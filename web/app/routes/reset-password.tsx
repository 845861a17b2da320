/** /reset-password#token=…: sets a new password from a mailed link; every session of the account ends. */
import { Link } from '@remix-run/react';
import type { MetaFunction } from '@remix-run/cloudflare';
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../services/api';
import { useApiForm } from '../hooks/useApiForm';
import { AuthCard, Field } from '../components/AuthForm';
import { FormError } from '../components/FormError';
import { takeLinkToken } from '../lib/link-token';

export const meta: MetaFunction = () => [{ title: 'Set a new password · edge-chat' }];

export default function ResetPassword() {
  const [token, setToken] = useState<string | null | undefined>(undefined);
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const { error, fields, busy, run } = useApiForm();
  useEffect(() => setToken(takeLinkToken()), []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!token) return;
    await run(async () => {
      await api.resetPassword(token, password);
      setDone(true);
    });
  };

  return (
    <AuthCard title="Set a new password" subtitle="Choose a password you do not use anywhere else.">
      {done ? (
        <p className="auth__notice" role="status" data-testid="password-reset-done">
          Your password is changed and you are signed out everywhere. <Link to="/login">Sign in</Link> with the new one.
        </p>
      ) : token === null ? (
        <p className="form-error" role="alert">
          This link is incomplete. Open the link from the mail again, or <Link to="/forgot-password">ask for a new one</Link>.
        </p>
      ) : (
        <form className="stack" onSubmit={submit} noValidate data-testid="reset-form">
          <FormError message={error} testId="form-error" />
          <Field
            label="New password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            hint="At least 8 characters. Every session will be signed out."
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={fields.password}
            autoFocus
          />
          <button type="submit" className="btn btn--primary btn--block" disabled={busy || !token || password.length < 8} data-testid="reset-submit">
            {busy ? 'Saving…' : 'Set the password'}
          </button>
        </form>
      )}
    </AuthCard>
  );
}
