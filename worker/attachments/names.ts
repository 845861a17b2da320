/** File names from uploaders: made safe to store, show and put in a header. */
import { MAX_FILE_NAME_CHARS } from '../../durable-objects/protocol';
import { withExtensionFor } from './extensions';

// Controls, bidi overrides (which can disguise "exe.pdf" as "fdp.exe") and characters
// that are reserved in file names on common systems.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069<>:"/\\|?*]/gu;

// Other format characters (Unicode Cf: zero-width space and joiners, soft hyphen, BOM …) are
// invisible: dropped, so two names that look alike are alike.
const FORMAT = /\p{Cf}/gu;

/**
 * The last path component, without unsafe or invisible characters, trimmed, its extension
 * agreeing with `contentType` when given (see extensions.ts), at most MAX_FILE_NAME_CHARS
 * (keeping the extension).
 */
export function sanitizeFileName(raw: string | null | undefined, fallback = 'file', contentType?: string): string {
  const base = (raw ?? '').normalize('NFC').split(/[\\/]/).pop() ?? '';
  let name = base
    .replace(UNSAFE, '_')
    .replace(FORMAT, '')
    .replace(/\s+/gu, ' ')
    .replace(/^[\s.]+|[\s.]+$/gu, '')
    .replace(/\p{Cs}/gu, '_');
  if (!name || /^_+$/.test(name)) name = fallback;
  if (contentType) name = withExtensionFor(name, contentType);
  const chars = [...name];
  if (chars.length <= MAX_FILE_NAME_CHARS) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  return [...name.slice(0, name.length - ext.length)].slice(0, MAX_FILE_NAME_CHARS - [...ext].length).join('') + ext;
}

/**
 * `attachment` (saved, never shown as a page) or `inline` (images in <img>), with an
 * ASCII fallback name and the exact one in RFC 5987 form.
 */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%;]/g, '_');
  const exact = encodeURIComponent(name).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${exact}`;
}
