/**
 * A hand-checked fast path for the frames a room sees most (send, typing, read,
 * received): it accepts only frames that are plainly valid and returns exactly
 * what the zod schema in protocol.ts would. Anything else — an unusual field, an
 * attachment, any doubt, every error message — goes to the schema, which stays
 * the single source of truth; protocol-fast-path.test.ts checks the two agree
 * over many generated frames.
 */
import {
  CLIENT_ID_PATTERN,
  MAX_CLIENT_ID_CHARS,
  MAX_FRAME_BYTES,
  MAX_MESSAGE_CHARS,
  isStorableText,
  parseClientFrame,
  validateClientFrame,
  type ClientFrame,
  type ParsedFrame,
} from './protocol';

/** Like parseClientFrame, cheaper for the common frames. Never throws. */
export function parseClientFrameFast(raw: string | ArrayBuffer): ParsedFrame {
  // Frames that might be over the byte limit, binary ones and bad JSON: the full path says why.
  if (typeof raw !== 'string' || raw.length > MAX_FRAME_BYTES / 4) return parseClientFrame(raw);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return parseClientFrame(raw);
  }
  const frame = fastClientFrame(json);
  return frame ? { ok: true, frame } : validateClientFrame(json);
}

/** The frame zod would return, for the plainly valid hot frames; undefined means "ask zod". */
export function fastClientFrame(json: unknown): ClientFrame | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const f = json as Record<string, unknown>;
  switch (f.type) {
    case 'send':
      return fastSend(f);
    case 'typing':
      return typeof f.active === 'boolean' ? { type: 'typing', active: f.active } : undefined;
    case 'read':
      return isSeq(f.seq, 1) ? { type: 'read', seq: f.seq } : undefined;
    case 'received':
      return isSeq(f.seq, 0) ? { type: 'received', seq: f.seq } : undefined;
    default:
      return undefined;
  }
}

function fastSend(f: Record<string, unknown>): ClientFrame | undefined {
  // Attachments, albums, link previews and empty or defaulted content take the schema's path.
  if (f.attachmentId !== undefined || f.albumId !== undefined || f.linkPreviewUrl !== undefined || typeof f.content !== 'string') return undefined;
  const { clientId, replyToSeq, threadRootSeq } = f;
  if (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > MAX_CLIENT_ID_CHARS) return undefined;
  if (!CLIENT_ID_PATTERN.test(clientId)) return undefined;
  const content = f.content.trim();
  if (content.length === 0 || content.length > MAX_MESSAGE_CHARS || !isStorableText(content)) return undefined;
  if (replyToSeq !== undefined && !isSeq(replyToSeq, 1)) return undefined;
  if (threadRootSeq !== undefined && !isSeq(threadRootSeq, 1)) return undefined;
  // The schema's key order: clientId, content, replyToSeq, threadRootSeq.
  return {
    type: 'send',
    clientId,
    content,
    ...(replyToSeq === undefined ? {} : { replyToSeq }),
    ...(threadRootSeq === undefined ? {} : { threadRootSeq }),
  };
}

function isSeq(value: unknown, min: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min;
}
