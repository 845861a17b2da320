/** `@username` mentions: usernames are 3–32 of a-z 0-9 _ (stored lower-case). */

/** Matches a mention in text: `@` not preceded by a word character (so e-mail addresses are not mentions). */
export const MENTION = /(?<![\w@])@([a-z0-9_]{3,32})\b/gi;

/** Does the text mention this username? */
export function mentions(text: string, username: string): boolean {
  for (const m of text.matchAll(MENTION)) if (m[1]!.toLowerCase() === username.toLowerCase()) return true;
  return false;
}

/** The partial mention being typed just before the caret (`@an|`), for autocomplete. */
export function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(?:^|[^\w@])@([a-z0-9_]{0,32})$/i.exec(before);
  if (!m) return null;
  return { start: caret - m[1]!.length - 1, query: m[1]!.toLowerCase() };
}
