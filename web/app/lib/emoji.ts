/**
 * A small built-in emoji table (no CDN, no data download): `:shortcode:` replacement and
 * autocomplete in the composer, and the searchable picker (reactions and the composer's
 * emoji button), with skin tones for the hands that take them. Any other emoji can still be typed or
 * pasted: the picker offers whatever emoji its search box holds.
 */
import { isEmoji } from './protocol';

export interface EmojiEntry {
  emoji: string;
  /** The first name is the shortcode; the rest are search words. */
  names: string[];
}

const TABLE: [string, string][] = [
  ['😀', 'grinning smile happy'], ['😄', 'smile happy joy'], ['😁', 'grin'], ['😂', 'joy laugh tears lol'],
  ['🤣', 'rofl laugh'], ['😊', 'blush smile'], ['😇', 'innocent halo'], ['🙂', 'slight_smile'],
  ['😉', 'wink'], ['😍', 'heart_eyes love'], ['😘', 'kiss'], ['😋', 'yum'], ['😎', 'sunglasses cool'],
  ['🤔', 'thinking hmm'], ['🤨', 'raised_eyebrow'], ['😐', 'neutral_face'], ['😑', 'expressionless'],
  ['🙄', 'eye_roll'], ['😏', 'smirk'], ['😴', 'sleeping'], ['😌', 'relieved'], ['😛', 'tongue'],
  ['😜', 'winking_tongue'], ['🤪', 'zany crazy'], ['😒', 'unamused'], ['😓', 'sweat'], ['😔', 'pensive'],
  ['😕', 'confused'], ['🙃', 'upside_down'], ['🤑', 'money_mouth'], ['😲', 'astonished'], ['😮', 'open_mouth wow surprised'],
  ['😱', 'scream'], ['😢', 'cry sad tear'], ['😭', 'sob crying'], ['😤', 'triumph'], ['😡', 'rage angry'],
  ['😠', 'angry mad'], ['🤯', 'exploding_head mind_blown'], ['😳', 'flushed'], ['🥺', 'pleading'],
  ['😬', 'grimacing'], ['🤗', 'hugs hug'], ['🤭', 'hand_over_mouth'], ['🤫', 'shush quiet'], ['🤐', 'zipper_mouth'],
  ['😷', 'mask sick'], ['🤒', 'thermometer ill'], ['🥳', 'partying party celebrate'], ['🥰', 'smiling_hearts love'],
  ['😈', 'smiling_imp devil'], ['💀', 'skull dead'], ['👻', 'ghost'], ['🤖', 'robot'], ['💩', 'poop'],
  ['👍', '+1 thumbsup like yes'], ['👎', '-1 thumbsdown no'], ['👌', 'ok_hand'], ['✌️', 'v peace'],
  ['🤞', 'crossed_fingers luck'], ['👏', 'clap applause'], ['🙌', 'raised_hands hooray'], ['🙏', 'pray thanks please'],
  ['💪', 'muscle strong'], ['👋', 'wave hello hi bye'], ['🤝', 'handshake deal'], ['👀', 'eyes look'],
  ['❤️', 'heart love red'], ['🧡', 'orange_heart'], ['💛', 'yellow_heart'], ['💚', 'green_heart'], ['💙', 'blue_heart'],
  ['💜', 'purple_heart'], ['🖤', 'black_heart'], ['💔', 'broken_heart'], ['💯', '100 hundred perfect'],
  ['🔥', 'fire lit hot'], ['✨', 'sparkles'], ['⭐', 'star'], ['🎉', 'tada party congrats'], ['🎂', 'birthday cake'],
  ['🎁', 'gift present'], ['🏆', 'trophy win'], ['✅', 'white_check_mark done check'], ['❌', 'x cross no'],
  ['⚠️', 'warning'], ['❓', 'question'], ['❗', 'exclamation'], ['💡', 'bulb idea'], ['🚀', 'rocket ship launch'],
  ['☕', 'coffee'], ['🍕', 'pizza'], ['🍺', 'beer'], ['🍷', 'wine'], ['🌮', 'taco'], ['🍎', 'apple'],
  ['☀️', 'sunny sun'], ['🌧️', 'rain'], ['❄️', 'snowflake snow cold'], ['🌈', 'rainbow'], ['🐶', 'dog'],
  ['🐱', 'cat'], ['🦄', 'unicorn'], ['🐛', 'bug'], ['💻', 'computer laptop'], ['📱', 'phone mobile'],
  ['📅', 'calendar date'], ['⏰', 'alarm_clock'], ['📌', 'pushpin pin'], ['📎', 'paperclip'], ['🔒', 'lock'],
  ['🔑', 'key'], ['💬', 'speech_balloon chat'], ['📣', 'mega announce'], ['🙈', 'see_no_evil monkey'],
  ['👊', 'punch fist_bump'], ['✋', 'raised_hand high_five stop'], ['🤙', 'call_me shaka'], ['👆', 'point_up'],
  ['👉', 'point_right'], ['🤟', 'love_you_gesture'], ['🫶', 'heart_hands'], ['🤷', 'shrug'],
];

/**
 * Emoji that take a skin tone (Emoji_Modifier_Base): in this table, the hands and the shrug.
 * A tone is one of the five Fitzpatrick modifiers, U+1F3FB–U+1F3FF.
 */
const TONE_BASES = new Set(['👍', '👎', '👌', '✌️', '🤞', '👏', '🙌', '🙏', '💪', '👋', '👊', '✋', '🤙', '👆', '👉', '🤟', '🫶', '🤷']);
export const SKIN_TONES = ['', '\u{1F3FB}', '\u{1F3FC}', '\u{1F3FD}', '\u{1F3FE}', '\u{1F3FF}'] as const;
export type SkinTone = (typeof SKIN_TONES)[number];

/** The emoji in `tone` when it takes one (the text-style selector U+FE0F gives way to the tone), else as is. */
export function withSkinTone(emoji: string, tone: SkinTone): string {
  if (!tone || !TONE_BASES.has(emoji)) return emoji;
  return emoji.replace('\uFE0F', '') + tone;
}

export const EMOJI: EmojiEntry[] = TABLE.map(([emoji, names]) => ({ emoji, names: names.split(' ') }));

// Each entry's first name wins over the same word used as another entry's search word.
const BY_SHORTCODE = new Map<string, string>();
for (const pass of [0, 1]) {
  for (const e of EMOJI) for (const n of pass ? e.names.slice(1) : e.names.slice(0, 1)) if (!BY_SHORTCODE.has(n)) BY_SHORTCODE.set(n, e.emoji);
}

/** Replaces every known `:shortcode:` with its emoji (unknown ones are left alone). */
export function replaceShortcodes(text: string): string {
  return text.replace(/:([a-z0-9_+-]{1,32}):/g, (whole, code: string) => BY_SHORTCODE.get(code) ?? whole);
}

export interface ShortcodeMatch {
  emoji: string;
  /** The name that matched, shown as `:name:`. */
  code: string;
}

/**
 * Suggestions for a partial shortcode (`thu` → 👍 :thumbsup:): emoji with a name starting with
 * it, those whose shortcode (first name) matches first.
 */
export function shortcodeMatches(prefix: string, limit = 6): ShortcodeMatch[] {
  const q = prefix.toLowerCase();
  if (!q) return [];
  const found: ShortcodeMatch[] = [];
  for (const pass of [0, 1]) {
    for (const e of EMOJI) {
      if (found.some((f) => f.emoji === e.emoji)) continue;
      const code = (pass ? e.names.slice(1) : e.names.slice(0, 1)).find((n) => n.startsWith(q));
      if (code) found.push({ emoji: e.emoji, code });
    }
  }
  return found.slice(0, limit);
}

/**
 * The partial shortcode being typed just before the caret (`:thu|`): a colon at the start or
 * after a space, then a letter (or the + and - of :+1: and :-1:) and at least one more name
 * character. So "10:30", ":)" and "at :15" never open it, and Enter still sends them.
 */
export function shortcodeAt(text: string, caret: number): { start: number; query: string } | null {
  const m = /(?:^|\s):([a-z+-][a-z0-9_+-]{1,31})$/i.exec(text.slice(0, caret));
  if (!m) return null;
  return { start: caret - m[1]!.length - 1, query: m[1]!.toLowerCase() };
}

/** Emoji whose names start with the query's words; an emoji typed into the search is offered itself. */
export function searchEmoji(query: string, limit = 48): string[] {
  const q = query.trim().toLowerCase().replace(/^:|:$/g, '');
  if (!q) return EMOJI.slice(0, limit).map((e) => e.emoji);
  // Only what the room accepts as a reaction (one emoji) is offered.
  const typed = isEmoji(query.trim()) ? [query.trim()] : [];
  const found = EMOJI.filter((e) => e.names.some((n) => n.startsWith(q) || n.split('_').some((part) => part.startsWith(q)))).map((e) => e.emoji);
  return [...typed, ...found].slice(0, limit);
}
