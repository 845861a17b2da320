/**
 * `@` autocomplete for the composer in groups: the members whose username or display name
 * starts with what follows the `@` before the caret. Arrow keys move, Enter or Tab picks,
 * Escape closes; picking writes `@username ` in place of the partial mention.
 */
import { useMemo, useState, type KeyboardEvent, type RefObject } from 'react';
import { mentionAt } from '../lib/mentions';

export interface MentionCandidate {
  username: string;
  displayName: string;
}

const MAX_SHOWN = 6;

export function useMentionAutocomplete(
  text: string,
  caret: number,
  candidates: readonly MentionCandidate[] | undefined,
  setText: (text: string) => void,
  area: RefObject<HTMLTextAreaElement>,
) {
  const [active, setActive] = useState(0);
  const [closedAt, setClosedAt] = useState<number | null>(null);
  const at = candidates?.length ? mentionAt(text, caret) : null;
  const matches = useMemo(() => {
    if (!at || !candidates) return [];
    const q = at.query;
    return candidates
      .filter((c) => c.username.startsWith(q) || c.displayName.toLowerCase().split(/\s+/).some((w) => w.startsWith(q)))
      .slice(0, MAX_SHOWN);
  }, [at?.query, at?.start, candidates]); // eslint-disable-line react-hooks/exhaustive-deps
  const open = at !== null && matches.length > 0 && closedAt !== at.start;
  const index = Math.min(active, matches.length - 1);

  const pick = (c: MentionCandidate) => {
    if (!at) return;
    const insert = `@${c.username} `;
    const next = text.slice(0, at.start) + insert + text.slice(caret);
    setText(next);
    setActive(0);
    const pos = at.start + insert.length;
    requestAnimationFrame(() => {
      area.current?.focus();
      area.current?.setSelectionRange(pos, pos);
    });
  };

  /** Returns true when the key was the autocomplete's. */
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!open) return false;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length);
      return true;
    }
    if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
      e.preventDefault();
      pick(matches[index]!);
      return true;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      setClosedAt(at!.start);
      return true;
    }
    return false;
  };

  const list = open ? (
    <ul className="mention-suggestions" role="listbox" aria-label="Mention someone" data-testid="mention-suggestions">
      {matches.map((c, i) => (
        <li key={c.username} role="option" aria-selected={i === index}>
          <button
            type="button"
            className={`mention-suggestions__item${i === index ? ' is-active' : ''}`}
            // Keep the focus (and the caret) in the text box.
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => pick(c)}
            data-testid="mention-option"
            data-username={c.username}
          >
            <strong>{c.displayName}</strong> <span className="muted">@{c.username}</span>
          </button>
        </li>
      ))}
    </ul>
  ) : null;

  return { onKeyDown, list };
}
