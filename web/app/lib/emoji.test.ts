import { describe, expect, it } from 'vitest';
import { EMOJI, replaceShortcodes, searchEmoji } from './emoji';
import { isEmoji } from './protocol';

describe('emoji', () => {
  it('replaces known shortcodes only', () => {
    expect(replaceShortcodes('hi :smile: and :+1: but not :nope: or 10:30:45')).toBe('hi 😄 and 👍 but not :nope: or 10:30:45');
  });

  it('finds emoji by name and offers any emoji typed into the search', () => {
    expect(searchEmoji('heart')).toEqual(expect.arrayContaining(['❤️', '😍', '💔']));
    expect(searchEmoji('thumbs')).toEqual(['👍', '👎']);
    expect(searchEmoji('🦩')).toEqual(['🦩']);
    expect(searchEmoji('')).toHaveLength(48);
  });
  it('offers only what the room accepts as a reaction', () => {
    expect(EMOJI.filter((e) => !isEmoji(e.emoji))).toEqual([]);
    expect(searchEmoji('<img src=x>')).toEqual([]);
  });
});
