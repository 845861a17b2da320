/**
 * A safe Markdown subset for messages, parsed into a small tree that components/RichText
 * renders as React elements: HTML in a message is never interpreted (there is no HTML node at
 * all: `<b>` stays the text "<b>"), and links are kept only for http(s) and mailto URLs.
 *
 * Blocks: ``` fenced code ```, `> ` block quotes (nested up to MAX_QUOTE_DEPTH), paragraphs
 * (line breaks kept). Inline: `code`, **bold**, *italic* or _italic_, ~~strike~~,
 * [text](url), bare http(s) URLs, @mentions. An unclosed marker is plain text.
 */
import { MENTION } from './mentions';

export type Inline =
  | { t: 'text'; v: string }
  | { t: 'code'; v: string }
  | { t: 'bold' | 'italic' | 'strike'; c: Inline[] }
  | { t: 'link'; href: string; c: Inline[] }
  | { t: 'mention'; username: string };

export type Block = { t: 'p'; c: Inline[] } | { t: 'quote'; c: Block[] } | { t: 'pre'; v: string; lang: string | null };

const MAX_QUOTE_DEPTH = 3;
/** Emphasis nested deeper than this is left as text (bounds the work on hostile input). */
const MAX_INLINE_DEPTH = 4;
const FENCE = /^\s*```/;

/** The URL if it is absolute http(s) or mailto, normalised by the URL parser; otherwise null. */
export function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:' ? url.href : null;
  } catch {
    return null;
  }
}

export function parseMarkdown(text: string, depth = 0): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (FENCE.test(line)) {
      const lang = /^\s*```\s*([\w+#.-]{1,20})?\s*$/.exec(line)?.[1] ?? null;
      const body: string[] = [];
      // An opening fence with text after it that is not a language: the text is code too.
      const rest = line.replace(/^\s*```/, '');
      if (rest.trim() && !lang) body.push(rest);
      i += 1;
      while (i < lines.length && !FENCE.test(lines[i]!)) body.push(lines[i++]!);
      i += 1; // the closing fence (or the end)
      blocks.push({ t: 'pre', v: body.join('\n'), lang });
      continue;
    }
    if (/^\s*>/.test(line) && depth < MAX_QUOTE_DEPTH) {
      const body: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i]!)) body.push(lines[i++]!.replace(/^\s*> ?/, ''));
      blocks.push({ t: 'quote', c: parseMarkdown(body.join('\n'), depth + 1) });
      continue;
    }
    const body: string[] = [];
    while (i < lines.length && !FENCE.test(lines[i]!) && !(/^\s*>/.test(lines[i]!) && depth < MAX_QUOTE_DEPTH)) body.push(lines[i++]!);
    blocks.push({ t: 'p', c: parseInline(body.join('\n')) });
  }
  return blocks;
}

const isWordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}_]/u.test(ch);
const URL_AT = /^https?:\/\/[^\s<>"']*[^\s<>"'.,;:!?)\]*_~]/i;
const LINK_AT = /^\[([^\]\n]{1,500})\]\(([^()\s]{1,2000})\)/;

/** Emphasis markers, longest first. `_` must sit at word boundaries (snake_case stays text). */
const MARKERS: { open: string; t: 'bold' | 'italic' | 'strike'; boundary: boolean }[] = [
  { open: '**', t: 'bold', boundary: false },
  { open: '__', t: 'bold', boundary: true },
  { open: '~~', t: 'strike', boundary: false },
  { open: '*', t: 'italic', boundary: false },
  { open: '_', t: 'italic', boundary: true },
];

export function parseInline(s: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push({ t: 'text', v: text });
    text = '';
  };
  let i = 0;
  outer: while (i < s.length) {
    const ch = s[i]!;
    const rest = s.slice(i);
    if (ch === '`') {
      const end = s.indexOf('`', i + 1);
      if (end > i + 1) {
        flush();
        out.push({ t: 'code', v: s.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if (ch === '[') {
      const m = LINK_AT.exec(rest);
      const href = m && safeHref(m[2]!);
      if (m && href) {
        flush();
        out.push({ t: 'link', href, c: depth < MAX_INLINE_DEPTH ? parseInline(m[1]!, depth + 1) : [{ t: 'text', v: m[1]! }] });
        i += m[0].length;
        continue;
      }
    }
    if ((ch === 'h' || ch === 'H') && !isWordChar(s[i - 1])) {
      const m = URL_AT.exec(rest);
      const href = m && safeHref(m[0]);
      if (m && href) {
        flush();
        out.push({ t: 'link', href, c: [{ t: 'text', v: m[0] }] });
        i += m[0].length;
        continue;
      }
    }
    if (ch === '@' && !isWordChar(s[i - 1]) && s[i - 1] !== '@') {
      const m = new RegExp(MENTION.source, 'iy').exec(s.slice(i));
      if (m) {
        flush();
        out.push({ t: 'mention', username: m[1]!.toLowerCase() });
        i += m[0].length;
        continue;
      }
    }
    if (depth < MAX_INLINE_DEPTH && (ch === '*' || ch === '_' || ch === '~')) {
      for (const mk of MARKERS) {
        if (!rest.startsWith(mk.open)) continue;
        if (mk.boundary && isWordChar(s[i - 1])) continue;
        // A lone `*` or `_` next to another one is part of a run, not a marker.
        if (mk.open.length === 1 && (s[i + 1] === mk.open || s[i - 1] === mk.open)) continue;
        const from = i + mk.open.length;
        // Content may not start with a space; the closer may not follow a space.
        if (from >= s.length || /\s/.test(s[from]!)) continue;
        let end = s.indexOf(mk.open, from + 1);
        while (end !== -1 && (/\s/.test(s[end - 1]!) || (mk.boundary && isWordChar(s[end + mk.open.length])) || (mk.open.length === 1 && s[end + 1] === mk.open))) {
          end = s.indexOf(mk.open, end + 1);
        }
        if (end === -1) continue;
        flush();
        out.push({ t: mk.t, c: parseInline(s.slice(from, end), depth + 1) });
        i = end + mk.open.length;
        continue outer;
      }
    }
    text += ch;
    i += 1;
  }
  flush();
  return out;
}

/** How many parsed texts are kept: more than a screenful of history many times over. */
const PARSED_KEPT = 2_000;
const parsed = new Map<string, Block[]>();

/**
 * parseMarkdown, once per distinct text: a message's row renders again (a reaction, its read
 * state, scrolled back into view in the virtualised list) without parsing its text again.
 * The oldest entry goes first once PARSED_KEPT are held. The tree is shared: never mutate it.
 */
export function parseMarkdownCached(text: string): Block[] {
  let tree = parsed.get(text);
  if (tree) {
    // Most recently used last, so the oldest is first in line to go.
    parsed.delete(text);
  } else {
    tree = parseMarkdown(text);
    if (parsed.size >= PARSED_KEPT) parsed.delete(parsed.keys().next().value!);
  }
  parsed.set(text, tree);
  return tree;
}

/** True when the message is one paragraph: it can render inline, beside the time. */
export function isInlineOnly(blocks: Block[]): boolean {
  return blocks.length === 1 && blocks[0]!.t === 'p';
}

function inlineText(nodes: Inline[]): string {
  return nodes.map((n) => (n.t === 'text' || n.t === 'code' ? n.v : n.t === 'mention' ? `@${n.username}` : inlineText(n.c))).join('');
}

/** The text a reader sees, without the formatting marks: for previews and notifications. */
export function plainText(text: string): string {
  const blocks = (list: Block[]): string =>
    list.map((b) => (b.t === 'p' ? inlineText(b.c) : b.t === 'pre' ? b.v : blocks(b.c))).join('\n');
  return blocks(parseMarkdownCached(text));
}
