/**
 * Find people by username (GET /api/users?q=prefix). Arrow keys move through the results,
 * Enter picks the highlighted one, or the typed username as is.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { api, ApiError, type PublicUser } from '../services/api';
import { Avatar } from './Avatar';
import { SearchIcon } from './Icons';

interface Props {
  label: string;
  placeholder?: string;
  /** Usernames to leave out of the results (me, members already added). */
  exclude?: ReadonlySet<string>;
  busy?: boolean;
  autoFocus?: boolean;
  onPick(username: string, user?: PublicUser): void;
  testId?: string;
}

const USERNAME = /^[a-z0-9_]{3,32}$/;

export function UserPicker({ label, placeholder, exclude, busy, autoFocus, onPick, testId = 'user-search' }: Props) {
  const [q, setQ] = useState('');
  const [results, setResults] = useState<PublicUser[]>([]);
  const [active, setActive] = useState(0);
  const [searching, setSearching] = useState(false);
  const [unavailable, setUnavailable] = useState(false);
  const listId = useId();
  const inputRef = useRef<HTMLInputElement>(null);

  const term = q.trim().replace(/^@/, '').toLowerCase();

  useEffect(() => {
    if (!term) {
      setResults([]);
      return;
    }
    const ctrl = new AbortController();
    const t = setTimeout(() => {
      setSearching(true);
      api
        .searchUsers(term, ctrl.signal)
        .then(({ users }) => {
          setResults(users.filter((u) => !exclude?.has(u.username)).slice(0, 8));
          setActive(0);
          setUnavailable(false);
        })
        .catch((err: unknown) => {
          if (ctrl.signal.aborted) return;
          setResults([]);
          if (err instanceof ApiError && (err.status === 404 || err.status === 405)) setUnavailable(true);
        })
        .finally(() => !ctrl.signal.aborted && setSearching(false));
    }, 200);
    return () => {
      clearTimeout(t);
      ctrl.abort();
    };
  }, [term, exclude]);

  const pick = (username: string, user?: PublicUser) => {
    onPick(username, user);
    setQ('');
    setResults([]);
    inputRef.current?.focus();
  };

  const exactValid = USERNAME.test(term) && !exclude?.has(term);

  return (
    <div className="user-picker">
      <label className="field">
        <span className="field__label">{label}</span>
        <span className="input-icon">
          <SearchIcon size={16} />
          <input
            ref={inputRef}
            type="text"
            role="combobox"
            aria-expanded={results.length > 0}
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={results[active] ? `${listId}-${active}` : undefined}
            value={q}
            placeholder={placeholder ?? 'username'}
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            autoFocus={autoFocus}
            disabled={busy}
            data-testid={testId}
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown' && results.length) {
                e.preventDefault();
                setActive((a) => (a + 1) % results.length);
              } else if (e.key === 'ArrowUp' && results.length) {
                e.preventDefault();
                setActive((a) => (a - 1 + results.length) % results.length);
              } else if (e.key === 'Enter') {
                e.preventDefault();
                const chosen = results[active];
                if (chosen) pick(chosen.username, chosen);
                else if (exactValid) pick(term);
              }
            }}
          />
        </span>
      </label>
      <ul id={listId} className="user-picker__results" role="listbox" aria-label="Matching people">
        {results.map((u, i) => (
          <li
            key={u.id}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            className={`user-row${i === active ? ' user-row--active' : ''}`}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => pick(u.username, u)}
            data-testid="user-result"
            data-username={u.username}
          >
            <Avatar id={u.id} name={u.displayName} avatarId={u.avatarId} size="sm" />
            <span className="user-row__names">
              <span>{u.displayName}</span>
              <span className="muted">@{u.username}</span>
            </span>
          </li>
        ))}
      </ul>
      {term && !searching && results.length === 0 && (
        <p className="hint">
          {exactValid ? (
            <button type="button" className="link-btn" onClick={() => pick(term)} data-testid="use-username" aria-label={`Use username ${term}`}>
              Use “@{term}”
            </button>
          ) : (
            'Usernames are 3–32 letters, digits or “_”.'
          )}
          {unavailable && exactValid ? ' (search is not available; type the exact username)' : ''}
        </p>
      )}
    </div>
  );
}
