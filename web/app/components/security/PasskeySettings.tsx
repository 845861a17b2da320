/** Passkeys on the account page: the ones I have, adding one on this device (after my password), removing one. */
import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage, type Passkey } from '../../services/api';
import { formatFull } from '../../lib/format';
import { passkeyErrorMessage, registerPasskey } from '../../lib/passkey-browser';
import { FormError } from '../FormError';

export function PasskeySettings() {
  const [passkeys, setPasskeys] = useState<Passkey[] | null>(null);
  const [adding, setAdding] = useState(false);
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    api.passkeys().then((r) => setPasskeys(r.passkeys), (err: unknown) => setError(errorMessage(err)));
  }, []);
  useEffect(load, [load]);

  const add = async () => {
    setBusy(true);
    setError(null);
    try {
      await registerPasskey(password, name.trim() || 'Passkey');
      setPassword('');
      setName('');
      setAdding(false);
      load();
    } catch (err) {
      setError(passkeyErrorMessage(err) ?? errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (id: string) => {
    try {
      await api.removePasskey(id);
      load();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <section className="stack" aria-labelledby="passkeys-title" data-testid="passkey-settings">
      <h2 id="passkeys-title" className="section-title">
        Passkeys
      </h2>
      <p className="muted">Sign in with your fingerprint, face or screen lock instead of a password and code. A passkey works only on this site, so a fake page cannot use it.</p>
      <FormError message={error} testId="passkey-error" />
      <ul className="member-list" data-testid="passkey-list">
        {passkeys?.map((p) => (
          <li key={p.id} className="member" data-testid="passkey">
            <span className="member__body">
              <strong>{p.name}</strong>
              <span className="muted"> added {formatFull(p.createdAt)}{p.lastUsedAt ? `, last used ${formatFull(p.lastUsedAt)}` : ''}</span>
            </span>
            <button type="button" className="btn btn--secondary btn--xs" onClick={() => void remove(p.id)} aria-label={`Remove passkey ${p.name}`} data-testid="passkey-remove">
              Remove
            </button>
          </li>
        ))}
      </ul>
      {passkeys?.length === 0 && <p className="muted">No passkeys yet.</p>}
      {adding ? (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void add();
          }}
        >
          <label className="field">
            <span className="field__label">Name (to tell your passkeys apart)</span>
            <input value={name} maxLength={64} onChange={(e) => setName(e.target.value)} placeholder="e.g. Laptop" data-testid="passkey-name" />
          </label>
          <label className="field">
            <span className="field__label">Your password</span>
            <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required data-testid="passkey-password" />
          </label>
          <div className="row">
            <button type="submit" className="btn btn--primary btn--xs" disabled={busy || !password} data-testid="passkey-add-submit">
              Create passkey
            </button>
            <button type="button" className="link-btn" onClick={() => setAdding(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <button type="button" className="btn btn--secondary btn--xs" onClick={() => setAdding(true)} data-testid="passkey-add">
          Add a passkey
        </button>
      )}
    </section>
  );
}
