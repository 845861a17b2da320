/**
 * What a push message carries to the service worker (web/service-worker/sw.js reads it).
 * Encrypted end to end to the browser (RFC 8291), and padded to one size by the library,
 * so the push service sees neither the text nor its length. A device that chose private
 * previews gets no names or text at all: the notification then says "New message".
 */
import type { CallState, WireMessage } from '../protocol';

/** Shown text is cut here: a notification shows two or three lines. */
const MAX_BODY = 200;

export type PushPayload =
  | { v: 1; kind: 'message'; roomId: string; url: string; private: true }
  | { v: 1; kind: 'message'; roomId: string; url: string; private: false; title: string; body: string }
  | { v: 1; kind: 'call'; callId: string; roomId: string; url: string; private: true }
  | { v: 1; kind: 'call'; callId: string; roomId: string; url: string; private: false; title: string; body: string }
  | { v: 1; kind: 'call_end'; callId: string; roomId: string };

/** Who and where, for the notification's title. */
export interface PushContext {
  senderName: string;
  /** The group's name; null for a direct chat. */
  groupName: string | null;
  privatePreviews: boolean;
}

export const chatUrl = (roomId: string) => `/chat/${roomId}`;

export function messagePayload(message: WireMessage, mentioned: boolean, ctx: PushContext): PushPayload {
  const base = { v: 1, kind: 'message', roomId: message.roomId, url: chatUrl(message.roomId) } as const;
  if (ctx.privatePreviews) return { ...base, private: true };
  const where = ctx.groupName ? `${ctx.senderName} in ${ctx.groupName}` : ctx.senderName;
  return { ...base, private: false, title: mentioned ? `${where} mentioned you` : where, body: previewOf(message) };
}

export function callPayload(call: CallState, callerName: string, privatePreviews: boolean): PushPayload {
  const base = { v: 1, kind: 'call', callId: call.id, roomId: call.roomId, url: chatUrl(call.roomId) } as const;
  if (privatePreviews) return { ...base, private: true };
  return { ...base, private: false, title: `${callerName} is calling`, body: call.media === 'video' ? 'Incoming video call' : 'Incoming voice call' };
}

export function callEndPayload(call: CallState): PushPayload {
  return { v: 1, kind: 'call_end', callId: call.id, roomId: call.roomId };
}

const SENT = { image: 'Sent a photo', file: 'Sent a file', voice: 'Sent a voice message' } as const;

/** The text a notification shows: the message's words on one line (Markdown left as typed), or what was sent. */
function previewOf(message: WireMessage): string {
  // A secret chat's content is ciphertext only its devices can open (docs/e2e.md): never shown.
  if (message.type === 'secret') return 'Sent a secret message';
  const words = message.content.replace(/\s+/g, ' ').trim();
  const sent = message.type in SENT ? SENT[message.type as keyof typeof SENT] : null;
  const text = sent ? (words ? `${sent}: ${words}` : sent) : words;
  return text.length > MAX_BODY ? `${text.slice(0, MAX_BODY - 1)}…` : text;
}
