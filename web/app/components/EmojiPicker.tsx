/**
 * A searchable emoji picker (the built-in table of lib/emoji.ts, and any emoji typed into its
 * search box), with this device's recent picks first and a skin tone for the hands. Used for
 * reactions and by the composer's emoji button. Loaded on demand: the chat page does not
 * ship it until someone opens it.
 *
 * Keyboard: the search box takes the focus (Enter picks the first emoji, ArrowDown enters
 * the grid); in the grid the arrow keys move, Home/End jump, Enter or Space picks; Escape
 * closes from anywhere.
 */
import { useEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { searchEmoji, SKIN_TONES, withSkinTone, type SkinTone } from '../lib/emoji';
import { recentEmoji, rememberEmoji, saveSkinTone, savedSkinTone } from '../lib/emoji-recents';
import { useKeepInView } from '../hooks/useKeepInView';

interface Props {
  onPick(emoji: string): void;
  onClose(): void;
  /** The button that opened the picker: a press on it toggles, so it does not count as "outside". */
  anchor?: RefObject<HTMLElement>;
  /** Where it opens: beside a message (reactions) or above the composer. */
  placement?: 'message' | 'composer';
}

const COLUMNS = 8;
const TONE_NAMES = ['Default skin tone', 'Light skin tone', 'Medium-light skin tone', 'Medium skin tone', 'Medium-dark skin tone', 'Dark skin tone'];
const TONE_SWATCH = ['👋', ...SKIN_TONES.slice(1).map((t) => withSkinTone('👋', t))];

export default function EmojiPicker({ onPick, onClose, anchor, placement = 'message' }: Props) {
  const [q, setQ] = useState('');
  const [tone, setTone] = useState<SkinTone>(savedSkinTone);
  const [recents, setRecents] = useState(recentEmoji);
  const ref = useRef<HTMLDivElement>(null);
  const grid = useRef<HTMLDivElement>(null);
  const list = searchEmoji(q).map((e) => withSkinTone(e, tone));
  const recent = q.trim() ? [] : recents;
  // Over a message near the top of the list it would open above the list's top edge.
  useKeepInView(ref);

  useEffect(() => {
    ref.current?.querySelector('input')?.focus();
    const onDown = (e: MouseEvent) => {
      const target = e.target as Node;
      if (!ref.current?.contains(target) && !anchor?.current?.contains(target)) onClose();
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [onClose, anchor]);

  const pick = (emoji: string) => {
    rememberEmoji(emoji);
    setRecents(recentEmoji());
    onPick(emoji);
  };

  const buttons = () => [...(grid.current?.querySelectorAll<HTMLButtonElement>('[data-testid="emoji-option"]') ?? [])];

  const onGridKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const all = buttons();
    const at = all.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0) return;
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, ArrowDown: at + COLUMNS, ArrowUp: at - COLUMNS, Home: 0, End: all.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    if (to < 0 && e.key === 'ArrowUp') return ref.current?.querySelector('input')?.focus();
    all[Math.max(0, Math.min(all.length - 1, to))]?.focus();
  };

  const firstKey = recent.length ? `recent:${recent[0]}` : `all:${list[0]}`;
  const option = (emoji: string, where: string) => (
    <button
      key={`${where}:${emoji}`}
      type="button"
      className="emoji-picker__btn"
      aria-label={emoji}
      // One tab stop for the grid: the arrow keys move within it.
      tabIndex={`${where}:${emoji}` === firstKey ? 0 : -1}
      onClick={() => pick(emoji)}
      data-testid="emoji-option"
      data-emoji={emoji}
      data-section={where}
    >
      {emoji}
    </button>
  );

  return (
    <div
      className={`emoji-picker emoji-picker--${placement}`}
      ref={ref}
      role="dialog"
      aria-label="Choose an emoji"
      data-testid="emoji-picker"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          e.preventDefault();
          onClose();
        }
      }}
    >
      <input
        type="search"
        className="emoji-picker__search"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        placeholder="Search emoji (or type one)"
        aria-label="Search emoji"
        data-testid="emoji-search"
        maxLength={32}
        onKeyDown={(e) => {
          const first = recent[0] ?? list[0];
          if (e.key === 'Enter' && first) {
            e.preventDefault();
            pick(first);
          } else if (e.key === 'ArrowDown') {
            e.preventDefault();
            buttons()[0]?.focus();
          }
        }}
      />
      <div className="emoji-picker__tones" role="group" aria-label="Skin tone">
        {TONE_SWATCH.map((swatch, i) => (
          <button
            key={swatch}
            type="button"
            className={`emoji-picker__tone${SKIN_TONES[i] === tone ? ' is-on' : ''}`}
            aria-label={TONE_NAMES[i]}
            aria-pressed={SKIN_TONES[i] === tone}
            onClick={() => {
              setTone(SKIN_TONES[i]!);
              saveSkinTone(SKIN_TONES[i]!);
            }}
            data-testid="skin-tone"
            data-tone={i}
          >
            {swatch}
          </button>
        ))}
      </div>
      <div className="emoji-picker__grid" ref={grid} onKeyDown={onGridKey}>
        {recent.length > 0 && (
          <div className="emoji-picker__section" role="group" aria-label="Recently used" data-testid="emoji-recents">
            <p className="emoji-picker__heading" aria-hidden="true">
              Recent
            </p>
            {recent.map((e) => option(e, 'recent'))}
          </div>
        )}
        <div className="emoji-picker__section" role="group" aria-label={q.trim() ? 'Search results' : 'All emoji'}>
          {recent.length > 0 && (
            <p className="emoji-picker__heading" aria-hidden="true">
              All
            </p>
          )}
          {list.map((e) => option(e, 'all'))}
          {list.length === 0 && <p className="muted">No emoji found.</p>}
        </div>
      </div>
    </div>
  );
}
