/** /forgot-password: asks for a reset link. The answer is the same whether or not an account has the address. */
import { Link } from '@remix-run/react';
import type { MetaFunction } from '@remix-run/cloudflare';
import { useState, type FormEvent } from 'react';
import { api, ApiError, errorMessage } from '../services/api';
import { AuthCard, Field } from '../components/AuthForm';
import { FormError } from '../components/FormError';

export const meta: MetaFunction = () => [{ title: 'Forgot password · edge-chat' }];

export default function ForgotPassword() {
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFields({});
    try {
      setSent((await api.requestPasswordReset(email.trim())).message);
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) setFields(err.fieldErrors());
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard title="Forgot your password?" subtitle="We will mail a link to set a new one.">
      {sent ? (
        <p className="auth__notice" role="status" data-testid="reset-requested">
          {sent}
        </p>
      ) : (
        <form className="stack" onSubmit={submit} noValidate data-testid="forgot-form">
          <FormError message={error} testId="form-error" />
          <Field label="Email" name="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={fields.email} autoFocus />
          <button type="submit" className="btn btn--primary btn--block" disabled={busy || !email.trim()} data-testid="forgot-submit">
            {busy ? 'Sending…' : 'Send the link'}
          </button>
        </form>
      )}
      <p className="auth__switch">
        <Link to="/login">Back to sign in</Link>
      </p>
    </AuthCard>
  );
}
