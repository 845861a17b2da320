import { describe, expect, it } from 'vitest';
import { replaceShortcodes, searchEmoji } from './emoji';

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
});
