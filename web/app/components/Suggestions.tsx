/**
 * The composer's autocomplete mechanics, shared by `@` mentions and `:shortcode:` emoji: a
 * token being typed before the caret, the items it matches, a listbox above the box. Arrow
 * keys move, Enter or Tab picks, Escape closes (until another token is started); picking
 * writes the item's text in place of the token and puts the caret after it.
 */
import { useState, type KeyboardEvent, type ReactNode, type RefObject } from 'react';

/** The composer's text box, as the autocompletes see it. */
export interface TextBox {
  text: string;
  caret: number;
  setText(text: string): void;
  area: RefObject<HTMLTextAreaElement>;
}

interface Options<T> {
  /** The token being typed before the caret, if any. */
  token: { start: number } | null;
  matches: readonly T[];
  keyOf(item: T): string;
  /** What replaces the token. */
  insertOf(item: T): string;
  render(item: T): ReactNode;
  label: string;
  testId: string;
  optionTestId: string;
  /** data- attributes of each option, for tests and tools. */
  dataOf(item: T): Record<`data-${string}`, string>;
}

export function useSuggestionList<T>(box: TextBox, o: Options<T>) {
  const [active, setActive] = useState(0);
  const [closedAt, setClosedAt] = useState<number | null>(null);
  const { token, matches } = o;
  const open = token !== null && matches.length > 0 && closedAt !== token.start;
  const index = Math.min(active, matches.length - 1);

  const pick = (item: T) => {
    if (!token) return;
    const insert = o.insertOf(item);
    const text = box.text.slice(0, token.start) + insert + box.text.slice(box.caret);
    box.setText(text);
    setActive(0);
    const pos = token.start + insert.length;
    requestAnimationFrame(() => {
      const area = box.area.current;
      if (!area) return;
      area.focus();
      // Only if nothing was typed since: a fast typist's next letters must not be moved.
      if (area.value === text) area.setSelectionRange(pos, pos);
    });
  };

  /** Returns true when the key was the list's. */
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
      setClosedAt(token!.start);
      return true;
    }
    return false;
  };

  const list = open ? (
    <ul className="mention-suggestions" role="listbox" aria-label={o.label} data-testid={o.testId}>
      {matches.map((item, i) => (
        <li key={o.keyOf(item)} role="option" aria-selected={i === index}>
          <button
            type="button"
            className={`mention-suggestions__item${i === index ? ' is-active' : ''}`}
            // Keep the focus (and the caret) in the text box.
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => pick(item)}
            data-testid={o.optionTestId}
            {...o.dataOf(item)}
          >
            {o.render(item)}
          </button>
        </li>
      ))}
    </ul>
  ) : null;

  return { onKeyDown, list };
}
