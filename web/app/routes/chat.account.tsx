/**
 * /chat/account: my account. My email (confirmed or not), two-step sign-in, passkeys. Change my password (every other session is signed out), see
 * and end my sessions (SessionList: each browser and device where I am signed in, by name), notifications on this
 * device (Web Push, private previews), privacy (last seen, read receipts, who can add me to groups), unblock people I
 * blocked, delete my account.
 */
import type { MetaFunction } from '@remix-run/cloudflare';
import { useEffect, useState } from 'react';
import { api, errorMessage, type AccountStatus } from '../services/api';
import { EmailStatus } from '../components/security/EmailStatus';
import { TwoStepSettings } from '../components/security/TwoStepSettings';
import { SecretDevices } from '../components/security/SecretDevices';
import { PasskeySettings } from '../components/security/PasskeySettings';
import { FormError } from '../components/FormError';
import { PagePanel } from '../components/PagePanel';
import { DeleteAccount } from '../components/DeleteAccount';
import { PushSettings } from '../components/PushSettings';
import { BlockedList } from '../components/BlockedList';
import { PrivacySettings } from '../components/PrivacySettings';
import { SessionList } from '../components/SessionList';

export const meta: MetaFunction = () => [{ title: 'Account · edge-chat' }];

export default function AccountRoute() {
  const [error, setError] = useState<string | null>(null);
  /** The password form's own error: cleared as soon as either field changes, so it never sits beside a newer one. */
  const [passwordError, setPasswordError] = useState<string | null>(null);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  /** Bumped when a password change signed other sessions out: the session list reloads. */
  const [sessionsChanged, setSessionsChanged] = useState(0);

  const [account, setAccount] = useState<AccountStatus | null>(null);
  useEffect(() => {
    api.me().then((r) => setAccount(r.account), (err: unknown) => setError(errorMessage(err)));
  }, []);

  const change = async () => {
    setBusy(true);
    setPasswordError(null);
    setDone(null);
    try {
      const { signedOutSessions } = await api.changePassword(current, next);
      setCurrent('');
      setNext('');
      setDone(`Password changed. ${signedOutSessions === 1 ? '1 other session was' : `${signedOutSessions} other sessions were`} signed out.`);
      setSessionsChanged((n) => n + 1);
    } catch (err) {
      setPasswordError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <PagePanel name="account" title="Account" closeLabel="Close account settings" testId="account-page">
      <div className="panel__body stack">
        <EmailStatus account={account} />
        <TwoStepSettings />
        <PasskeySettings />
        <SecretDevices />
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void change();
          }}
        >
          <h2 className="section-title">Change password</h2>
          <label className="field">
            <span className="field__label">Current password</span>
            <input type="password" autoComplete="current-password" value={current} onChange={(e) => (setCurrent(e.target.value), setPasswordError(null))} required data-testid="current-password" />
          </label>
          <label className="field">
            <span className="field__label">New password</span>
            <input type="password" autoComplete="new-password" minLength={8} value={next} onChange={(e) => (setNext(e.target.value), setPasswordError(null))} required data-testid="new-password" />
            <span className="field__hint">At least 8 characters. Your other sessions will be signed out.</span>
          </label>
          <FormError message={passwordError} testId="account-error" />
          {done && (
            <p role="status" data-testid="password-changed">
              {done}
            </p>
          )}
          <button type="submit" className="btn btn--primary" disabled={busy || !current || !next} data-testid="change-password">
            Change password
          </button>
        </form>
        <SessionList reloadKey={sessionsChanged} />
        <FormError message={error} testId="account-load-error" />
        <PrivacySettings />
        <BlockedList />
        <PushSettings />
        <DeleteAccount />
      </div>
    </PagePanel>
  );
}
