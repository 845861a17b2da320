/** /forgot-password: asks for a reset link. The answer is the same whether or not an account has the address. */
import { Link } from '@remix-run/react';
import type { MetaFunction } from '@remix-run/cloudflare';
import { useState, type FormEvent } from 'react';
import { api } from '../services/api';
import { useApiForm } from '../hooks/useApiForm';
import { AuthCard, Field } from '../components/AuthForm';
import { FormError } from '../components/FormError';

export const meta: MetaFunction = () => [{ title: 'Forgot password · edge-chat' }];

export default function ForgotPassword() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const { error, fields, busy, run } = useApiForm();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      setSent((await api.requestPasswordReset(email.trim())).message);
    });
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
