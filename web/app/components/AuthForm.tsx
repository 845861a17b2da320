/** Shared pieces of the login and register pages. */
import { useEffect, useId, useRef, useState, type ChangeEvent, type InputHTMLAttributes, type ReactNode } from 'react';
import { Logo } from './Logo';

export function AuthCard({ title, subtitle, children }: { title: string; subtitle: string; children: ReactNode }) {
  return (
    <main className="auth">
      <div className="auth__card">
        <Logo />
        <h1>{title}</h1>
        <p className="muted">{subtitle}</p>
        {children}
      </div>
    </main>
  );
}

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  error?: string;
  hint?: string;
}

export function Field({ label, error, hint, type, ...input }: FieldProps) {
  const id = useId();
  const [reveal, setReveal] = useState(false);
  const isPassword = type === 'password';
  const box = useRef<HTMLInputElement>(null);
  // Typed before the page came to life (a slow phone, a busy machine): the box shows the text,
  // React kept it, but the form's state is still empty (its button disabled). Take it once.
  useEffect(() => {
    const el = box.current;
    if (el && input.onChange && typeof input.value === 'string' && el.value !== input.value) {
      input.onChange({ target: el, currentTarget: el } as ChangeEvent<HTMLInputElement>);
    }
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
  const describedBy = [error ? `${id}-err` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <span className="field__row">
        <input ref={box} id={id} type={isPassword && reveal ? 'text' : type} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
        {isPassword && (
          <button type="button" className="btn btn--ghost btn--xs field__reveal" onClick={() => setReveal((r) => !r)} aria-label={reveal ? 'Hide password' : 'Show password'} aria-pressed={reveal}>
            {reveal ? 'Hide' : 'Show'}
          </button>
        )}
      </span>
      {hint && !error && (
        <span className="field__hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {error && (
        <span className="field__error" id={`${id}-err`} data-testid="field-error">
          {error}
        </span>
      )}
    </div>
  );
}
