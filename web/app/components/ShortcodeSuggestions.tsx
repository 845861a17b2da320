/**
 * `:shortcode` autocomplete for the composer: `:thu` offers 👍 :thumbsup: and friends;
 * picking writes the emoji (in my skin tone) in place of the partial shortcode.
 * The list's mechanics are Suggestions.tsx's, as for mentions.
 */
import { useMemo } from 'react';
import { shortcodeAt, shortcodeMatches, withSkinTone, type ShortcodeMatch } from '../lib/emoji';
import { savedSkinTone } from '../lib/emoji-recents';
import { useSuggestionList, type TextBox } from './Suggestions';

export function useShortcodeAutocomplete(box: TextBox) {
  const at = shortcodeAt(box.text, box.caret);
  const matches = useMemo(() => (at ? shortcodeMatches(at.query) : []), [at?.query]); // eslint-disable-line react-hooks/exhaustive-deps
  return useSuggestionList<ShortcodeMatch>(box, {
    token: at,
    matches,
    keyOf: (m) => m.emoji,
    insertOf: (m) => withSkinTone(m.emoji, savedSkinTone()),
    render: (m) => (
      <>
        <span className="shortcode-suggestions__emoji" aria-hidden="true">
          {m.emoji}
        </span>{' '}
        :{m.code}:
      </>
    ),
    label: 'Emoji',
    testId: 'shortcode-suggestions',
    optionTestId: 'shortcode-option',
    dataOf: (m) => ({ 'data-emoji': m.emoji }),
  });
}
