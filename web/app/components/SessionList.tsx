/**
 * The account page's "Where you are signed in": each session named after its browser and
 * system ("Chrome on Linux"), "This device" for mine, when it signed in and was last active;
 * a Sign out button for each other one, and "Sign out all other sessions" behind a confirmation
 * (their sockets close; this session goes on). `reloadKey` changes when something else (a
 * password change) ended sessions.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorMessage, type AccountSession } from '../services/api';
import { formatFull, lastActiveText } from '../lib/format';
import { FormError } from './FormError';
import { ModalDialog } from './ModalDialog';

export function SessionList({ reloadKey }: { reloadKey: number }) {
  const [sessions, setSessions] = useState<AccountSession[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const doneRef = useRef<HTMLParagraphElement>(null);

  const load = useCallback(() => {
    api
      .sessions()
      .then((r) => setSessions(r.sessions))
      .catch((err: unknown) => setError(errorMessage(err)));
  }, []);
  useEffect(load, [load, reloadKey]);

  const revoke = async (id: string) => {
    try {
      await api.revokeSession(id);
      load();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const revokeOthers = async () => {
    setBusy(true);
    setError(null);
    try {
      const { signedOutSessions } = await api.revokeOtherSessions();
      setDone(signedOutSessions === 1 ? '1 other session was signed out.' : `${signedOutSessions} other sessions were signed out.`);
      load();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  // Once the dialog shows, its safe choice has focus (the browser would pick its close button).
  useEffect(() => {
    if (confirming) cancelButton.current?.focus();
  }, [confirming]);

  // The button that opened the dialog is gone once no other session is left: the outcome takes focus.
  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);

  const others = sessions?.filter((s) => !s.current).length ?? 0;
  return (
    <section className="stack" aria-labelledby="sessions-title">
      <h2 id="sessions-title" className="section-title">
        Where you are signed in
      </h2>
      <ul className="member-list" data-testid="session-list">
        {sessions?.map((s) => (
          <li key={s.id} className="member" data-testid="session" data-current={s.current ? 'true' : 'false'}>
            <span className="member__body session">
              <span className="session__name">
                <strong data-testid="session-device">{s.device ?? 'Unknown browser'}</strong>
                {s.current && <span className="session__this">This device</span>}
              </span>
              <span className="muted session__times">
                Signed in {formatFull(s.createdAt)}
                {s.lastActiveAt && ` · ${lastActiveText(s.lastActiveAt)}`}
              </span>
            </span>
            {!s.current && (
              <button
                type="button"
                className="btn btn--secondary btn--xs"
                aria-label={`Sign out ${s.device ?? 'the unknown browser'} (signed in ${formatFull(s.createdAt)})`}
                onClick={() => void revoke(s.id)}
                data-testid="revoke-session"
              >
                Sign out
              </button>
            )}
          </li>
        ))}
      </ul>
      {others > 0 && (
        <button type="button" className="btn btn--danger-outline" disabled={busy} onClick={() => setConfirming(true)} data-testid="revoke-other-sessions">
          Sign out all other sessions
        </button>
      )}
      {done && (
        <p ref={doneRef} tabIndex={-1} role="status" data-testid="other-sessions-signed-out">
          {done}
        </p>
      )}
      <FormError message={error} testId="sessions-error" />
      {confirming && (
        <ModalDialog name="revoke-others" title="Sign out all other sessions?" closeLabel="Close without signing anyone out" onClose={() => setConfirming(false)}>
          <div className="stack">
            <p>
              {others === 1 ? 'The other browser or device' : `The ${others} other browsers and devices`} where you are signed in will be signed out
              at once. This one stays signed in.
            </p>
            <div className="row">
              <button type="button" className="btn btn--danger" disabled={busy} onClick={() => void revokeOthers()} data-testid="confirm-revoke-others">
                {busy ? 'Signing out…' : 'Sign them out'}
              </button>
              <button ref={cancelButton} type="button" className="btn btn--secondary" disabled={busy} onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </div>
          </div>
        </ModalDialog>
      )}
    </section>
  );
}
