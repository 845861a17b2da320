/**
 * Two-step sign-in on the account page: enrol an authenticator app (password, QR code, one
 * code back), see the ten recovery codes once, get new ones, or turn it off.
 */
import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage } from '../../services/api';
import { FormError } from '../FormError';
import { QrCode } from '../QrCode';

type Stage = { kind: 'idle' } | { kind: 'password'; then: 'setup' | 'disable' | 'codes' } | { kind: 'scan'; secret: string; uri: string } | { kind: 'codes'; codes: string[] };

export function TwoStepSettings({ onChange }: { onChange?(): void }) {
  const [status, setStatus] = useState<{ enabled: boolean; recoveryCodesLeft: number } | null>(null);
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    api.twoStep().then(setStatus, (err: unknown) => setError(errorMessage(err)));
  }, []);
  useEffect(load, [load]);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const confirmPassword = (then: 'setup' | 'disable' | 'codes') =>
    run(async () => {
      if (then === 'setup') setStage({ kind: 'scan', ...(await api.twoStepSetup(password)) });
      if (then === 'disable') {
        await api.twoStepDisable(password);
        setStage({ kind: 'idle' });
        load();
        onChange?.();
      }
      if (then === 'codes') setStage({ kind: 'codes', codes: (await api.newRecoveryCodes(password)).recoveryCodes });
      setPassword('');
    });

  const enable = () =>
    run(async () => {
      const { recoveryCodes } = await api.twoStepEnable(code.replace(/\s/g, ''));
      setCode('');
      setStage({ kind: 'codes', codes: recoveryCodes });
      load();
      onChange?.();
    });

  return (
    <section className="stack" aria-labelledby="two-step-title" data-testid="two-step-settings">
      <h2 id="two-step-title" className="section-title">
        Two-step sign-in
      </h2>
      <p className="muted" data-testid="two-step-status">
        {status === null ? 'Loading…' : status.enabled ? `On: a code from your authenticator app is asked after the password. ${status.recoveryCodesLeft} recovery codes left.` : 'Off: your password alone signs you in.'}
      </p>
      <FormError message={error} testId="two-step-error" />
      {stage.kind === 'idle' && status && (
        <div className="row">
          {status.enabled ? (
            <>
              <button type="button" className="btn btn--secondary btn--xs" onClick={() => setStage({ kind: 'password', then: 'codes' })} data-testid="two-step-new-codes">
                New recovery codes
              </button>
              <button type="button" className="btn btn--secondary btn--xs" onClick={() => setStage({ kind: 'password', then: 'disable' })} data-testid="two-step-disable">
                Turn off
              </button>
            </>
          ) : (
            <button type="button" className="btn btn--primary btn--xs" onClick={() => setStage({ kind: 'password', then: 'setup' })} data-testid="two-step-start">
              Set up two-step sign-in
            </button>
          )}
        </div>
      )}
      {stage.kind === 'password' && (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void confirmPassword(stage.then);
          }}
        >
          <label className="field">
            <span className="field__label">Your password</span>
            <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required autoFocus data-testid="two-step-password" />
          </label>
          <div className="row">
            <button type="submit" className="btn btn--primary btn--xs" disabled={busy || !password} data-testid="two-step-password-submit">
              Continue
            </button>
            <button type="button" className="link-btn" onClick={() => setStage({ kind: 'idle' })}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {stage.kind === 'scan' && (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void enable();
          }}
        >
          <p>Scan this code with an authenticator app, then enter the 6-digit code it shows.</p>
          <QrCode text={stage.uri} label="QR code to add edge-chat to an authenticator app" testId="totp-qr" />
          <p className="muted">
            Cannot scan? Enter this key: <code data-testid="totp-secret">{stage.secret}</code>
          </p>
          <label className="field">
            <span className="field__label">Code from the app</span>
            <input inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} required data-testid="totp-enrol-code" />
          </label>
          <button type="submit" className="btn btn--primary btn--xs" disabled={busy || !code.trim()} data-testid="totp-enrol-submit">
            Turn on
          </button>
        </form>
      )}
      {stage.kind === 'codes' && (
        <div className="stack" data-testid="recovery-codes">
          <p>
            <strong>Your recovery codes.</strong> Keep them somewhere safe: each signs you in once if you lose your phone. They are not shown again.
          </p>
          <ul className="recovery-codes">
            {stage.codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <button type="button" className="btn btn--secondary btn--xs" onClick={() => setStage({ kind: 'idle' })} data-testid="recovery-codes-done">
            I have saved them
          </button>
        </div>
      )}
    </section>
  );
}
