/**
 * A searchable emoji picker (the built-in table of lib/emoji.ts, and any emoji typed into its
 * search box). Loaded on demand: the chat page does not ship it until someone opens it.
 */
import { useEffect, useRef, useState } from 'react';
import { searchEmoji } from '../lib/emoji';
import { useKeepInView } from '../hooks/useKeepInView';

interface Props {
  onPick(emoji: string): void;
  onClose(): void;
}

export default function EmojiPicker({ onPick, onClose }: Props) {
  const [q, setQ] = useState('');
  const ref = useRef<HTMLDivElement>(null);
  const list = searchEmoji(q);
  // Over a message near the top of the list it would open above the list's top edge.
  useKeepInView(ref);

  useEffect(() => {
    ref.current?.querySelector('input')?.focus();
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [onClose]);

  return (
    <div
      className="emoji-picker"
      ref={ref}
      role="dialog"
      aria-label="Choose an emoji"
      data-testid="emoji-picker"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
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
          if (e.key === 'Enter' && list[0]) {
            e.preventDefault();
            onPick(list[0]);
          }
        }}
      />
      <div className="emoji-picker__grid" role="group" aria-label="Emoji">
        {list.map((emoji) => (
          <button key={emoji} type="button" className="emoji-picker__btn" aria-label={emoji} onClick={() => onPick(emoji)} data-testid="emoji-option" data-emoji={emoji}>
            {emoji}
          </button>
        ))}
        {list.length === 0 && <p className="muted">No emoji found.</p>}
      </div>
    </div>
  );
}
