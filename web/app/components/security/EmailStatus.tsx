/** My email address on the account page: confirmed or not, and a fresh link on request. */
import { useState } from 'react';
import { api, errorMessage, type AccountStatus } from '../../services/api';

export function EmailStatus({ account }: { account: AccountStatus | null }) {
  const [note, setNote] = useState<string | null>(null);
  if (!account) return null;
  const resend = async () => {
    try {
      const r = await api.resendVerification();
      setNote(r.alreadyVerified ? 'Your address is already confirmed.' : `A new link is on its way to ${account.email}.`);
    } catch (err) {
      setNote(errorMessage(err));
    }
  };
  return (
    <section className="stack" aria-labelledby="email-title" data-testid="email-status">
      <h2 id="email-title" className="section-title">
        Email
      </h2>
      <p>
        {account.email} ·{' '}
        {account.emailVerified ? <span data-testid="email-verified">confirmed</span> : <strong data-testid="email-unverified">not confirmed yet</strong>}
      </p>
      {!account.emailVerified && (
        <p className="muted">
          Confirm it so a forgotten password can be reset.{' '}
          <button type="button" className="link-btn" onClick={() => void resend()} data-testid="resend-verification">
            Send the link again
          </button>
        </p>
      )}
      <p role="status">{note}</p>
    </section>
  );
}
