/** /verify-email#token=…: confirms the address from the mailed link. */
import { Link } from '@remix-run/react';
import type { MetaFunction } from '@remix-run/cloudflare';
import { useEffect, useState } from 'react';
import { api, errorMessage } from '../services/api';
import { AuthCard } from '../components/AuthForm';
import { takeLinkToken } from '../lib/link-token';

export const meta: MetaFunction = () => [{ title: 'Confirm your email · edge-chat' }];

export default function VerifyEmail() {
  const [state, setState] = useState<{ kind: 'working' } | { kind: 'done' } | { kind: 'failed'; message: string }>({ kind: 'working' });
  useEffect(() => {
    const token = takeLinkToken();
    if (!token) {
      setState({ kind: 'failed', message: 'This link is incomplete: open the link from the mail again.' });
      return;
    }
    api.verifyEmail(token).then(
      () => setState({ kind: 'done' }),
      (err: unknown) => setState({ kind: 'failed', message: errorMessage(err) }),
    );
  }, []);

  return (
    <AuthCard title="Confirm your email" subtitle="So you can always get back into your account.">
      <div role="status" data-testid="verify-email-status">
        {state.kind === 'working' && <p>Confirming…</p>}
        {state.kind === 'done' && <p className="auth__notice">Your email address is confirmed. Thank you.</p>}
        {state.kind === 'failed' && <p className="form-error">{state.message}</p>}
      </div>
      <p className="auth__switch">
        <Link to="/chat">Go to your chats</Link>
      </p>
    </AuthCard>
  );
}
