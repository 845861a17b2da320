/**
 * The content-type allow-list, checked against the bytes: an upload's type is what its
 * first bytes say (magic numbers), never only what the uploader declared. Anything not
 * recognised is refused. HTML, SVG and scripts are plain text here: served as
 * text/plain with nosniff, they never run.
 */
import { IMAGE_CONTENT_TYPES } from '../../durable-objects/protocol';

/** Bytes of the file's start that `sniffType` needs. */
export const SNIFF_BYTES = 512;

const OFFICE_ZIP_TYPES = new Set([
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'application/epub+zip',
]);

export const IMAGE_TYPES: ReadonlySet<string> = new Set(IMAGE_CONTENT_TYPES);
export const AUDIO_TYPES: ReadonlySet<string> = new Set(['audio/webm', 'audio/ogg', 'audio/mp4', 'audio/mpeg', 'audio/wav']);

function startsWith(bytes: Uint8Array, signature: (number | null)[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => b === null || bytes[offset + i] === b);
}

const ascii = (text: string) => [...text].map((ch) => ch.charCodeAt(0));

/** The bare media type of a Content-Type header, lower-case ('' when absent). */
export function mediaType(header: string | null | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * The type the bytes are, within the allow-list, or undefined (refuse). `declared`
 * only chooses between types the bytes cannot tell apart (which ZIP document, audio
 * or video in a WebM or MP4 container).
 */
export function sniffType(head: Uint8Array, declaredHeader: string | null | undefined): string | undefined {
  const declared = mediaType(declaredHeader);
  const isVideo = declared.startsWith('video/');
  if (startsWith(head, [0x89, ...ascii('PNG\r\n'), 0x1a, 0x0a])) return 'image/png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WAVE'), 8)) return 'audio/wav';
  if (startsWith(head, ascii('%PDF-'))) return 'application/pdf';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return OFFICE_ZIP_TYPES.has(declared) ? declared : 'application/zip';
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return isVideo ? 'video/webm' : 'audio/webm';
  if (startsWith(head, ascii('OggS'))) return 'audio/ogg';
  if (startsWith(head, ascii('ftyp'), 4)) return isVideo ? 'video/mp4' : 'audio/mp4';
  if (startsWith(head, ascii('ID3')) || startsWith(head, [0xff, 0xfb]) || startsWith(head, [0xff, 0xf3])) return 'audio/mpeg';
  if (isPlainText(head)) return 'text/plain';
  return undefined;
}

/** UTF-8 without NUL or other binary control bytes (a character cut at the sample's end is fine). */
function isPlainText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  for (const b of head) {
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) return false;
  }
  // Drop up to 3 trailing bytes of a multi-byte character the sample cut in two.
  let end = head.length;
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const b = head[end - i]!;
    if ((b & 0xc0) === 0x80) continue;
    if (b >= 0xc0) end -= i;
    break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(head.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}
