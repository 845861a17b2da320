/** The second step of a sign-in for an account with two-step sign-in: a code from the authenticator app, or a recovery code. */
import { useState, type FormEvent } from 'react';
import { api, ApiError, errorMessage, type SecondStepRequired, type Session } from '../services/api';
import { Field } from './AuthForm';
import { FormError } from './FormError';

interface Props {
  step: SecondStepRequired['secondStep'];
  embedded?: boolean;
  onSignedIn(session: Session): void;
  /** The step expired or the person wants to start over. */
  onRestart(): void;
}

export function SecondStepForm({ step, embedded = false, onSignedIn, onRestart }: Props) {
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = useRecovery ? { token: step.token, recoveryCode: code.trim() } : { token: step.token, code: code.replace(/\s/g, '') };
      onSignedIn(await api.secondStep(body, embedded));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 && err.message.includes('expired') ? 'This sign-in expired. Enter your password again.' : err instanceof ApiError && err.status === 401 ? 'That code is not right. Try the current one.' : errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <form className="stack" onSubmit={submit} noValidate data-testid="second-step-form">
      <p className="muted">
        {useRecovery ? 'Enter one of your recovery codes. Each works once.' : 'Enter the 6-digit code from your authenticator app.'}
      </p>
      <FormError message={error} testId="second-step-error" />
      <Field
        key={useRecovery ? 'recovery' : 'totp'}
        label={useRecovery ? 'Recovery code' : 'Code'}
        name="code"
        autoComplete="one-time-code"
        inputMode={useRecovery ? 'text' : 'numeric'}
        autoCapitalize="none"
        spellCheck={false}
        required
        value={code}
        onChange={(e) => setCode(e.target.value)}
        autoFocus
        data-testid="second-step-code"
      />
      <button type="submit" className="btn btn--primary btn--block" disabled={busy || !code.trim()} data-testid="second-step-submit">
        {busy ? 'Checking…' : 'Continue'}
      </button>
      <p className="auth__switch">
        <button
          type="button"
          className="link-btn"
          onClick={() => {
            setUseRecovery((r) => !r);
            setCode('');
            setError(null);
          }}
          data-testid="second-step-switch"
        >
          {useRecovery ? 'Use a code from the app' : 'Use a recovery code'}
        </button>{' '}
        ·{' '}
        <button type="button" className="link-btn" onClick={onRestart}>
          Start over
        </button>
      </p>
    </form>
  );
}
