/** Display helpers: names, initials, times, previews. */
import { plainText } from './markdown';
import { systemText } from './text';
import type { RoomMember, RoomSummary } from '../services/api';
import { callRecordSchema, type CallRecord, type WireMessage } from './protocol';
import { liveMembers } from './members';

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const weekdayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const shortDateFmt = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const longDateFmt = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

function startOfDay(d: Date) {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

export function formatTime(iso: string): string {
  return timeFmt.format(new Date(iso));
}

export function formatFull(iso: string): string {
  return fullFmt.format(new Date(iso));
}

/** A date with its time, e.g. "7 Dec, 14:49": for moments that may be days away (an invite's expiry). */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  return `${shortDateFmt.format(d)}, ${timeFmt.format(d)}`;
}

/** Time in the conversation list: today → 14:05, this week → Tue, older → 3 Mar. */
export function formatListTime(iso: string | null | undefined, now = new Date()): string {
  if (!iso) return '';
  const d = new Date(iso);
  const days = Math.round((startOfDay(now) - startOfDay(d)) / 86_400_000);
  if (days <= 0) return timeFmt.format(d);
  if (days === 1) return 'Yesterday';
  if (days < 7) return weekdayFmt.format(d);
  return shortDateFmt.format(d);
}

/** Day separators in the message list. */
export function formatDay(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const days = Math.round((startOfDay(now) - startOfDay(d)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return longDateFmt.format(d);
}

export function dayKey(iso: string): number {
  return startOfDay(new Date(iso));
}

export function lastSeenText(ms: number, now = Date.now()): string {
  const mins = Math.round((now - ms) / 60_000);
  if (mins < 1) return 'last seen just now';
  if (mins < 60) return `last seen ${mins} min ago`;
  return `last seen at ${timeFmt.format(new Date(ms))}`;
}

/** A session's last use: "Active just now", "Active 5 min ago", later "Active 7 Dec, 14:49". */
export function lastActiveText(iso: string, now = Date.now()): string {
  const mins = Math.floor((now - Date.parse(iso)) / 60_000);
  if (mins < 1) return 'Active just now';
  if (mins < 60) return `Active ${mins} min ago`;
  return `Active ${formatDateTime(iso)}`;
}

export function initials(name: string): string {
  // Whole code points (emoji are two UTF-16 units), from words that start with a letter or digit.
  const words = name
    .trim()
    .split(/\s+/)
    .map((w) => [...w])
    .filter((w) => w.length > 0 && /[\p{L}\p{N}]/u.test(w[0]!));
  if (!words.length) return [...name.trim()][0] ?? '?';
  const picked = words.length > 1 ? [words[0]![0], words[words.length - 1]![0]] : words[0]!.slice(0, 2);
  return picked.join('').toUpperCase();
}

/** Stable colour slot 0–7 for an id. */
export function colorSlot(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return Math.abs(h) % 8;
}

/** The other person in a direct room (or null for groups / broken rooms). */
export function otherMember(members: readonly RoomMember[], me: string): RoomMember | null {
  return members.find((m) => m.userId !== me) ?? null;
}

export function roomTitle(room: { kind: string; name: string | null }, members: readonly RoomMember[], me: string): string {
  if (room.kind === 'direct') {
    const other = otherMember(members, me);
    return other?.displayName ?? 'Conversation';
  }
  if (room.name) return room.name;
  const names = liveMembers(members)
    .filter((m) => m.userId !== me)
    .map((m) => m.displayName);
  return names.length ? names.join(', ') : 'Group';
}

export function memberName(members: readonly Pick<RoomMember, 'userId' | 'displayName'>[], userId: string | null, me: string): string {
  if (!userId) return 'Someone';
  if (userId === me) return 'You';
  return members.find((m) => m.userId === userId)?.displayName ?? 'Former member';
}

/** 125000 → "2:05"; an hour or more → "1:02:05". */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** A call record's JSON, parsed (null when it is not one). */
export function parseCallRecord(content: string): CallRecord | null {
  try {
    const parsed = callRecordSchema.safeParse(JSON.parse(content));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * A `call` message's JSON content as one line: "Video call, 3:12", "Missed voice call".
 * `outgoing`: I was the caller (the record's sender); undefined says it neutrally.
 */
export function describeCall(content: string, outgoing?: boolean): string {
  const record = parseCallRecord(content);
  if (!record) return content.trim().startsWith('{') || !content ? 'Call' : content;
  const { media, status, durationMs } = record;
  const kind = media === 'video' ? 'video call' : 'voice call';
  const Kind = kind[0]!.toUpperCase() + kind.slice(1);
  switch (status) {
    case 'accepted':
      return durationMs ? `${Kind}, ${formatDuration(durationMs)}` : Kind;
    case 'missed':
      return outgoing ? `${Kind}, no answer` : `Missed ${kind}`;
    case 'rejected':
      return outgoing ? `${Kind}, declined` : `Declined ${kind}`;
    case 'busy':
      return outgoing === false ? `Missed ${kind}` : `${Kind}, busy`;
  }
}

const ATTACHMENT_LABELS = { image: '📷 Photo', file: '📎 File', voice: '🎤 Voice note' } as const;

/** One-line preview of a message for the conversation list and reply quotes (`me`: to tell my calls). */
export function previewText(m: Pick<WireMessage, 'type' | 'content' | 'deletedAt'> & { senderId?: string | null }, me?: string): string {
  if (m.deletedAt) return 'Message deleted';
  // Sealed: the server's copy is ciphertext, and the list does not open messages.
  if (m.type === 'secret') return '🔒 Encrypted message';
  if (m.type === 'call') return `📞 ${describeCall(m.content, me === undefined ? undefined : m.senderId === me)}`;
  // Text and attachment captions are Markdown: the preview shows them as plain text.
  const text = m.type === 'text' || m.type in ATTACHMENT_LABELS ? plainText(m.content) : m.content;
  const label = ATTACHMENT_LABELS[m.type as keyof typeof ATTACHMENT_LABELS];
  if (label) return text.trim() ? `${label}: ${oneLine(text, 100)}` : label;
  return oneLine(text, 120);
}

/** Whitespace collapsed to single spaces, cut to `max` characters with an ellipsis. */
function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function roomPreview(room: RoomSummary, me: string): string {
  const m = room.lastMessage;
  if (!m) return room.kind === 'group' ? 'Group created' : 'Say hello 👋';
  if (m.type === 'system' && !m.deletedAt) return oneLine(systemText(m.content, room.members, me), 120);
  const text = previewText(m, me);
  if (m.type === 'call') return text;
  if (m.senderId === me) return `You: ${text}`;
  if (room.kind === 'group') return `${memberName(room.members, m.senderId, me)}: ${text}`;
  return text;
}

/** The first line of a group's timeline: "You created this group on 3 March 2026." */
export function groupCreatedText(info: { createdAt?: string; createdBy?: string | null }, members: readonly RoomMember[], me: string): string {
  const who = !info.createdBy
    ? 'Someone'
    : info.createdBy === me
      ? 'You'
      : (members.find((m) => m.userId === info.createdBy)?.displayName ?? 'A former member');
  return info.createdAt ? `${who} created this group on ${longDateFmt.format(new Date(info.createdAt))}.` : `${who} created this group.`;
}

export function pluralize(n: number, one: string, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}
