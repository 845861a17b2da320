/**
 * The emoji I picked lately and my skin tone, per device (localStorage): the picker shows
 * recents first. Storage that is full or blocked only means no recents.
 */
import { SKIN_TONES, type SkinTone } from './emoji';

const RECENTS_KEY = 'edge-chat:emoji-recents';
const TONE_KEY = 'edge-chat:emoji-tone';
export const MAX_RECENTS = 24;

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Private mode or a full quota: recents are a convenience.
  }
}

export function recentEmoji(): string[] {
  try {
    const list: unknown = JSON.parse(read(RECENTS_KEY) ?? '[]');
    return Array.isArray(list) ? list.filter((e): e is string => typeof e === 'string').slice(0, MAX_RECENTS) : [];
  } catch {
    return [];
  }
}

/** Moves `emoji` to the front of the recents. */
export function rememberEmoji(emoji: string): void {
  write(RECENTS_KEY, JSON.stringify([emoji, ...recentEmoji().filter((e) => e !== emoji)].slice(0, MAX_RECENTS)));
}

export function savedSkinTone(): SkinTone {
  const tone = read(TONE_KEY) ?? '';
  return (SKIN_TONES as readonly string[]).includes(tone) ? (tone as SkinTone) : '';
}

export function saveSkinTone(tone: SkinTone): void {
  write(TONE_KEY, tone);
}
