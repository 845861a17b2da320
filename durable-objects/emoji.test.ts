import { describe, expect, it } from 'vitest';
import { isEmoji } from './emoji';

describe('isEmoji', () => {
  it('accepts one emoji: plain, with skin tone, ZWJ sequences, flags, keycaps, text-style pictographs', () => {
    for (const e of ['👍', '👍🏽', '❤️', '❤', '👩‍👩‍👧', '🏳️‍🌈', '🇫🇷', '1️⃣', '✌️', '☕']) expect(isEmoji(e), e).toBe(true);
  });
  it('refuses text, markup, mentions, several emoji and emoji with text', () => {
    for (const t of ['<img src=x>', '@username', 'a', '1', '#', '👍👍', '👍 ', 'ok👍', '\u200B', '🇫', '', '©a']) expect(isEmoji(t), t).toBe(false);
  });
});
