/**
 * The admin's sharing tools in group settings: invite links (create and copy — the link is
 * shown once, only its hash is stored — list with uses, revoke) and embedding the group's chat
 * on other websites (the allowed origins, and the iframe snippet to paste).
 */
import { useEffect, useId, useRef, useState } from 'react';
import { api, errorMessage, type CreatedInvite, type Invite } from '../services/api';
import { formatDateTime, formatFull, pluralize } from '../lib/format';
import { CheckIcon, CopyIcon, LinkIcon } from './Icons';
import { FormError } from './FormError';

/** Copies text; falls back to selecting it in `field` when the Clipboard API is not available. */
async function copy(text: string, field?: HTMLInputElement | HTMLTextAreaElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!field) return false;
    field.focus();
    field.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

function CopyButton({ text, field, label, testId }: { text: string; field: () => HTMLInputElement | HTMLTextAreaElement | null; label: string; testId: string }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  useEffect(() => {
    if (copied === null) return;
    const t = setTimeout(() => setCopied(null), 2000);
    return () => clearTimeout(t);
  }, [copied]);
  return (
    <button type="button" className="btn btn--secondary btn--xs" aria-label={label} onClick={() => void copy(text, field()).then(setCopied)} data-testid={testId}>
      {copied ? <CheckIcon size={14} /> : <CopyIcon size={14} />}
      <span aria-live="polite">{copied ? 'Copied' : copied === false ? 'Select and copy' : 'Copy'}</span>
    </button>
  );
}

function inviteState(invite: Invite, now = Date.now()): 'active' | 'revoked' | 'expired' {
  if (invite.revokedAt) return 'revoked';
  if (invite.expiresAt && Date.parse(invite.expiresAt) <= now) return 'expired';
  return 'active';
}

export function InviteLinks({ roomId, onCreated }: { roomId: string; onCreated(invite: CreatedInvite): void }) {
  const [invites, setInvites] = useState<Invite[] | null>(null);
  const [created, setCreated] = useState<CreatedInvite | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const urlRef = useRef<HTMLInputElement>(null);

  const load = () =>
    api
      .invites(roomId)
      .then(({ invites: list }) => setInvites(list))
      .catch((err: unknown) => setError(errorMessage(err)));
  useEffect(() => {
    void load();
  }, [roomId]); // eslint-disable-line react-hooks/exhaustive-deps

  const create = async () => {
    setBusy('create');
    setError(null);
    try {
      const { invite } = await api.createInvite(roomId);
      setCreated(invite);
      onCreated(invite);
      await load();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  const revoke = async (id: string) => {
    setBusy(id);
    setError(null);
    try {
      await api.revokeInvite(roomId, id);
      if (created?.id === id) setCreated(null);
      await load();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  const active = invites?.filter((i) => inviteState(i) === 'active') ?? [];
  const inactive = invites?.filter((i) => inviteState(i) !== 'active') ?? [];

  return (
    <section aria-labelledby="invites-title" className="stack sharing" data-testid="invite-links">
      <div>
        <h3 id="invites-title" className="section-title">
          Invite links
        </h3>
        <p className="hint">Anyone signed in who opens an invite link can join this group. Revoke a link to stop it working.</p>
      </div>
      <FormError message={error} />
      {created && (
        <div className="invite-new" data-testid="new-invite">
          <label className="field__label" htmlFor="new-invite-url">
            New invite link — copy it now, it is shown only once
          </label>
          <span className="field__row">
            <input id="new-invite-url" ref={urlRef} type="text" readOnly value={created.url} onFocus={(e) => e.currentTarget.select()} data-testid="invite-url" />
            <CopyButton text={created.url} field={() => urlRef.current} label="Copy invite link" testId="copy-invite" />
          </span>
        </div>
      )}
      <div>
        <button type="button" className="btn btn--secondary" onClick={() => void create()} disabled={busy !== null} data-testid="create-invite">
          <LinkIcon size={16} />
          {busy === 'create' ? 'Creating…' : 'Create invite link'}
        </button>
      </div>
      {invites === null ? (
        <p className="hint">Loading links…</p>
      ) : invites.length === 0 ? (
        <p className="hint">No invite links yet.</p>
      ) : (
        <ul className="invite-list">
          {[...active, ...inactive].map((invite) => {
            const state = inviteState(invite);
            return (
              <li key={invite.id} className={`invite invite--${state}`} data-testid="invite" data-invite-id={invite.id} data-state={state} data-uses={invite.uses}>
                <LinkIcon size={16} />
                <span className="invite__text">
                  <span title={formatFull(invite.createdAt)}>Created {formatDateTime(invite.createdAt)}</span>
                  <span className="muted">
                    {pluralize(invite.uses, 'use')}
                    {state === 'revoked' ? ' · revoked' : state === 'expired' ? ' · expired' : invite.expiresAt ? ` · expires ${formatDateTime(invite.expiresAt)}` : ''}
                  </span>
                </span>
                {state === 'active' && (
                  <button
                    type="button"
                    className="btn btn--ghost btn--xs btn--danger-text"
                    disabled={busy !== null}
                    aria-label={`Revoke the invite link created ${formatFull(invite.createdAt)}`}
                    onClick={() => void revoke(invite.id)}
                    data-testid="revoke-invite"
                  >
                    Revoke
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function parseOrigins(text: string): { origins: string[]; bad: string[] } {
  const origins: string[] = [];
  const bad: string[] = [];
  for (const raw of text.split(/[\s,]+/)) {
    const value = raw.trim().replace(/\/+$/, '');
    if (!value) continue;
    try {
      const url = new URL(value);
      if ((url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value) origins.push(value);
      else bad.push(raw);
    } catch {
      bad.push(raw);
    }
  }
  return { origins: [...new Set(origins)], bad };
}

export function EmbedSettings({ roomId, invite }: { roomId: string; invite: CreatedInvite | null }) {
  const [saved, setSaved] = useState<string[] | null>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const snippetRef = useRef<HTMLTextAreaElement>(null);
  const id = useId();

  useEffect(() => {
    let cancelled = false;
    api
      .embedOrigins(roomId)
      .then(({ origins }) => {
        if (cancelled) return;
        setSaved(origins);
        setText(origins.join('\n'));
      })
      .catch((err: unknown) => !cancelled && setError(errorMessage(err)));
    return () => {
      cancelled = true;
    };
  }, [roomId]);

  const save = async () => {
    const { origins, bad } = parseOrigins(text);
    if (bad.length) {
      setError(`Not a website origin: ${bad.join(', ')}. Use the form https://example.com (no path).`);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = await api.setEmbedOrigins(roomId, origins);
      setSaved(result.origins);
      setText(result.origins.join('\n'));
      setDone(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const app = typeof window === 'undefined' ? '' : window.location.origin;
  const src = `${app}/embed/${roomId}${invite ? `?invite=${invite.token}` : '?invite=INVITE_TOKEN'}`;
  const snippet = `<iframe src="${src}" width="400" height="600" style="border:0;max-width:100%" allow="camera; microphone" title="Chat"></iframe>`;
  const dirty = saved !== null && text.trim() !== saved.join('\n');

  return (
    <section aria-labelledby="embed-title" className="stack sharing" data-testid="embed-settings">
      <div>
        <h3 id="embed-title" className="section-title">
          Embed on a website
        </h3>
        <p className="hint">
          Show this group's chat on your own site in an iframe. Only the sites listed here may embed it; browsers refuse it everywhere else
          (Content-Security-Policy <code>frame-ancestors</code>).
        </p>
      </div>
      <FormError message={error} testId="embed-error" />
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="field">
          <label className="field__label" htmlFor={`${id}-origins`}>
            Allowed sites (one per line)
          </label>
          <textarea
            id={`${id}-origins`}
            className="textarea"
            rows={3}
            placeholder="https://www.example.com"
            value={text}
            spellCheck={false}
            autoCapitalize="none"
            onChange={(e) => {
              setText(e.target.value);
              setDone(false);
            }}
            disabled={saved === null || busy}
            data-testid="embed-origins"
          />
        </div>
        <div className="row row--center">
          <button type="submit" className="btn btn--secondary" disabled={!dirty || busy} data-testid="save-embed-origins">
            {busy ? 'Saving…' : 'Save sites'}
          </button>
          {done && !dirty && (
            <span className="hint" role="status" data-testid="embed-saved">
              Saved.
            </span>
          )}
        </div>
      </form>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-snippet`}>
          Paste this into your page
        </label>
        <textarea id={`${id}-snippet`} ref={snippetRef} className="textarea textarea--code" rows={4} readOnly value={snippet} data-testid="embed-snippet" />
        <span className="row row--center">
          <CopyButton text={snippet} field={() => snippetRef.current} label="Copy the embed code" testId="copy-snippet" />
          {!invite && <span className="hint">Create an invite link above to fill in INVITE_TOKEN, so visitors who are not members yet can join.</span>}
        </span>
        <p className="hint">
          Visitors sign in inside the frame, and stay signed in there across reloads: the sign-in is kept for your site only. Browsers
          that block third-party cookies altogether ask them to sign in again after a reload.
        </p>
      </div>
    </section>
  );
}
