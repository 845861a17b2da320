/**
 * What counts as one emoji, per Unicode's emoji properties: a string matching
 * `\p{RGI_Emoji}` (every recommended emoji, sequence, flag and keycap included).
 * A pictograph typed in its text form (❤ without U+FE0F) counts as its emoji form.
 * Shared by the protocol's `react` schema (worker, room, web) and the web's picker.
 */

// The `v` flag (Unicode sets) is in every runtime we serve (workerd, Node 20, current
// browsers); an older browser falls back to a pattern over Extended_Pictographic.
const ONE_EMOJI = unicodeSetsPattern('^\\p{RGI_Emoji}$') ?? fallbackPattern();

function unicodeSetsPattern(source: string): RegExp | undefined {
  try {
    return new RegExp(source, 'v');
  } catch {
    return undefined;
  }
}

function fallbackPattern(): RegExp {
  const pictograph = '\\p{Extended_Pictographic}(?:\\uFE0F|\\p{Emoji_Modifier})?';
  return new RegExp(`^(?:${pictograph}(?:\\u200D${pictograph})*|\\p{Regional_Indicator}{2}|[0-9#*]\\uFE0F?\\u20E3)$`, 'u');
}

/** Whether `text` is exactly one emoji. */
export function isEmoji(text: string): boolean {
  return ONE_EMOJI.test(text) || (!text.endsWith('\uFE0F') && ONE_EMOJI.test(`${text}\uFE0F`));
}
