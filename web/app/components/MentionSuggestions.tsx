/**
 * `@` autocomplete for the composer in groups: the members whose username or display name
 * starts with what follows the `@` before the caret; picking writes `@username `.
 * The list's mechanics (keys, picking) are Suggestions.tsx's.
 */
import { useMemo } from 'react';
import { mentionAt } from '../lib/mentions';
import { useSuggestionList, type TextBox } from './Suggestions';

export interface MentionCandidate {
  username: string;
  displayName: string;
}

const MAX_SHOWN = 6;

export function useMentionAutocomplete(box: TextBox, candidates: readonly MentionCandidate[] | undefined) {
  const at = candidates?.length ? mentionAt(box.text, box.caret) : null;
  const matches = useMemo(() => {
    if (!at || !candidates) return [];
    const q = at.query;
    return candidates
      .filter((c) => c.username.startsWith(q) || c.displayName.toLowerCase().split(/\s+/).some((w) => w.startsWith(q)))
      .slice(0, MAX_SHOWN);
  }, [at?.query, at?.start, candidates]); // eslint-disable-line react-hooks/exhaustive-deps
  return useSuggestionList(box, {
    token: at,
    matches,
    keyOf: (c) => c.username,
    insertOf: (c) => `@${c.username} `,
    render: (c) => (
      <>
        <strong>{c.displayName}</strong> <span className="muted">@{c.username}</span>
      </>
    ),
    label: 'Mention someone',
    testId: 'mention-suggestions',
    optionTestId: 'mention-option',
    dataOf: (c) => ({ 'data-username': c.username }),
  });
}
