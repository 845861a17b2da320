/**
 * How message text is shown: which parts are links (http(s) URLs, `www.` addresses, e-mail
 * addresses), whether a message is only a few emoji (shown large), and system lines with
 * people's display names instead of their usernames. Pure functions; the bubble renders the
 * parts as React text and elements, never as HTML.
 */
import type { RoomMember } from '../services/api';
import { systemParts } from './protocol';

export type TextPart = { text: string; href?: undefined } | { text: string; href: string };

// A URL or www. address ends before trailing punctuation; an e-mail address is the usual shape.
const HTTP_LINK = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/i;
const OTHER_LINKS = /\bwww\.[^\s<>"'/]+\.[^\s<>"']*[^\s<>"'.,;:!?)\]]|\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/;
const LINK = new RegExp(`${HTTP_LINK.source}|${OTHER_LINKS.source}`, 'gi');

/** The first http(s) URL written out in the text (the one a link preview is for), as written. */
export function firstHttpLink(text: string): string | undefined {
  return HTTP_LINK.exec(text)?.[0];
}

function hrefFor(match: string): string | undefined {
  const candidate = match.includes('@') && !/^https?:/i.test(match) && !/^www\./i.test(match) ? `mailto:${match}` : /^www\./i.test(match) ? `https://${match}` : match;
  try {
    const u = new URL(candidate);
    return u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'mailto:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** Splits text into plain runs and links (only http:, https: and mailto: hrefs). */
export function linkParts(text: string): TextPart[] {
  const out: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(LINK)) {
    const start = m.index!;
    if (start > last) out.push({ text: text.slice(last, start) });
    const href = hrefFor(m[0]);
    out.push(href ? { text: m[0], href } : { text: m[0] });
    last = start + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

const EMOJI_ONLY = /^(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|[\u200d\ufe0f\u20e3]|\s)+$/u;
/** Up to this many emoji are shown large. */
export const BIG_EMOJI_MAX = 3;

/** True for a message of one to three emoji and nothing else (shown enlarged). */
export function isEmojiOnly(text: string): boolean {
  const t = text.trim();
  if (!t || !EMOJI_ONLY.test(t) || !/\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(t)) return false;
  const graphemes = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(t)].filter((s) => s.segment.trim());
  return graphemes.length <= BIG_EMOJI_MAX;
}

type NamedMember = Pick<RoomMember, 'userId' | 'username' | 'displayName'>;

/**
 * A system line as the app shows it. Each person it names (by id: protocol.ts personToken) is
 * "You" / "you" for me, their display name while they are in the room ("Deleted user" once
 * their account is gone), else the username the line was written with.
 */
export function systemText(content: string, members: readonly NamedMember[], me: string): string {
  const parts = systemParts(content);
  if (parts.every((p) => 'text' in p)) return legacySystemText(content, members, me);
  return parts
    .map((part, i) => {
      if ('text' in part) return part.text;
      if (part.userId === me) return i === 0 ? 'You' : 'you';
      return members.find((m) => m.userId === part.userId)?.displayName || part.label;
    })
    .join('');
}

/**
 * Lines written before people were named by id ("alice added bob"): each word that is a
 * member's username becomes their display name; anyone else keeps the username.
 */
function legacySystemText(content: string, members: readonly NamedMember[], me: string): string {
  const byUsername = new Map(members.map((m) => [m.username, m]));
  const words = content.split(/(\s+)/);
  return words
    .map((word, i) => {
      const member = byUsername.get(word);
      if (!member) return word;
      if (member.userId === me) return i === 0 ? 'You' : 'you';
      return member.displayName || member.username;
    })
    .join('');
}
