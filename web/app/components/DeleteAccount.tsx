/**
 * The account page's danger zone: deleting my account (DELETE /api/account). It says what
 * happens, asks for my password, then for a confirmation, so a slip deletes nothing. Once the
 * server has deleted the account, nothing of mine stays on this device and the login page
 * says why I am there.
 */
import { useEffect, useRef, useState } from 'react';
import { useAuth, useMe } from '../context/AuthContext';
import { api, errorMessage } from '../services/api';
import { FormError } from './FormError';

export function DeleteAccount() {
  const me = useMe();
  const { signOutDeletedAccount } = useAuth();
  const [password, setPassword] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const askRef = useRef<HTMLButtonElement>(null);

  // After a failure the password is what to fix: focus it once it is enabled again (after the commit).
  useEffect(() => {
    if (error) passwordRef.current?.focus();
  }, [error]);

  const cancel = () => {
    setConfirming(false);
    // The confirmation that had focus is gone: back to the button that opened it.
    requestAnimationFrame(() => askRef.current?.focus());
  };

  const deleteForGood = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.deleteAccount(password);
    } catch (err) {
      setBusy(false);
      setConfirming(false);
      setError(errorMessage(err));
      return;
    }
    // Our sockets may already have been closed and the session found over: sign out by id.
    signOutDeletedAccount(me.id);
  };

  return (
    <section className="danger-zone stack" aria-labelledby="delete-account-title" data-testid="delete-account-section">
      <h2 id="delete-account-title" className="section-title">
        Delete account
      </h2>
      <p>
        Your messages stay in their conversations, shown as sent by “Deleted user”. Your name, picture and username are erased,
        you are signed out everywhere, and your username becomes free for someone else.
      </p>
      <p>
        <strong>This cannot be undone.</strong>
      </p>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (busy || !password) return;
          if (confirming) void deleteForGood();
          else setConfirming(true);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && confirming && !busy) {
            e.preventDefault();
            cancel();
          }
        }}
      >
        <label className="field">
          <span className="field__label">Your password</span>
          <input
            ref={passwordRef}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            disabled={busy}
            required
            data-testid="delete-account-password"
          />
        </label>
        <FormError message={error} testId="delete-account-error" />
        {confirming ? (
          <div className="stack" role="group" aria-labelledby="delete-account-confirm" data-testid="delete-account-confirmation">
            <p id="delete-account-confirm">
              <strong>Delete your account for good?</strong>
            </p>
            <div className="row">
              <button type="submit" className="btn btn--danger" autoFocus disabled={busy} data-testid="confirm-delete-account">
                {busy ? 'Deleting…' : 'Delete my account'}
              </button>
              <button type="button" className="btn btn--secondary" disabled={busy} onClick={cancel} data-testid="cancel-delete-account">
                Cancel
              </button>
            </div>
          </div>
        ) : (
          <button ref={askRef} type="submit" className="btn btn--danger-outline" disabled={!password} data-testid="delete-account">
            Delete account
          </button>
        )}
      </form>
    </section>
  );
}
