import { describe, expect, it } from 'vitest';
import { EMOJI, replaceShortcodes, searchEmoji, shortcodeAt, shortcodeMatches, SKIN_TONES, withSkinTone } from './emoji';
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

describe('skin tones and shortcode autocomplete', () => {
  it('puts a tone on the emoji that take one, dropping the text-style selector', () => {
    expect(withSkinTone('👍', SKIN_TONES[3])).toBe('👍🏽');
    expect(withSkinTone('✌️', SKIN_TONES[1])).toBe('✌🏻');
    expect(withSkinTone('😀', SKIN_TONES[1])).toBe('😀');
    expect(withSkinTone('👍', '')).toBe('👍');
    for (const tone of SKIN_TONES) for (const e of EMOJI) expect(isEmoji(withSkinTone(e.emoji, tone)), `${e.emoji}${tone}`).toBe(true);
  });

  it('suggests by prefix, shortcodes before other names', () => {
    expect(shortcodeMatches('thu').map((m) => m.emoji)).toEqual(['👍', '👎']);
    expect(shortcodeMatches('hea')[0]).toEqual({ emoji: '😍', code: 'heart_eyes' });
    expect(shortcodeMatches('hea').map((m) => m.emoji)).toContain('❤️');
    expect(shortcodeMatches('zzzz')).toEqual([]);
  });

  it('finds the partial shortcode before the caret, not times or smileys', () => {
    expect(shortcodeAt('ok :thu', 7)).toEqual({ start: 3, query: 'thu' });
    expect(shortcodeAt(':+1', 3)).toEqual({ start: 0, query: '+1' });
    expect(shortcodeAt('at 10:30', 8)).toBeNull();
    expect(shortcodeAt('meet at :15', 11)).toBeNull();
    expect(shortcodeAt('hi :)', 5)).toBeNull();
    expect(shortcodeAt('a:thu', 5)).toBeNull();
    expect(shortcodeAt(':t', 2)).toBeNull();
  });
});
