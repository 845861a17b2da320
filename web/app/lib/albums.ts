/**
 * Which messages are shown together as one album grid. Pictures sent together share an
 * `attachment.albumId` (docs/protocol.md#albums-several-files-sent-at-once); pictures sent
 * one by one, with no caption, by the same person within a few minutes group too, as in
 * WhatsApp. Another message between them, a new day, or the "new messages" line ends a run.
 */
import { IMAGE_CONTENT_TYPES, type WireMessage } from './protocol';

/** Pictures sent one by one group when each follows the one before within this. */
export const ALBUM_GAP_MS = 5 * 60_000;
/** Tiles a grid shows; the last one says "+N" for the rest. */
export const ALBUM_TILES = 4;

const PICTURE_TYPES = new Set(IMAGE_CONTENT_TYPES);

/** A file the app sends as a picture (the four web image types). */
export function isPictureFile(file: Blob): boolean {
  return PICTURE_TYPES.has(file.type);
}

/** A picture message that can be shown in a grid (not deleted; a secret chat's are sealed). */
export function isPicture(m: WireMessage): boolean {
  return m.type === 'image' && !m.deletedAt && m.attachment !== undefined;
}

/** Whether `m` continues the run of pictures that `prev` is the last of. */
export function joinsAlbum(prev: WireMessage, m: WireMessage): boolean {
  if (!isPicture(prev) || !isPicture(m) || prev.senderId !== m.senderId) return false;
  const a = prev.attachment!.albumId;
  const b = m.attachment!.albumId;
  if (a || b) return a === b;
  return !m.content && !m.replyToSeq && Date.parse(m.createdAt) - Date.parse(prev.createdAt) < ALBUM_GAP_MS;
}

/**
 * The list as rows: a message alone, or the messages of one album (two or more, in order).
 * `breakBefore(m)`: something is shown between m and the message before it (a day, the unread line).
 */
export function albumRows(messages: readonly WireMessage[], breakBefore: (m: WireMessage, prev: WireMessage) => boolean): WireMessage[][] {
  const rows: WireMessage[][] = [];
  let prev: WireMessage | undefined;
  for (const m of messages) {
    const last = rows[rows.length - 1];
    // joinsAlbum first: it is false for nearly every message, and breakBefore parses dates.
    if (last && prev && joinsAlbum(prev, m) && !breakBefore(m, prev)) last.push(m);
    else rows.push([m]);
    prev = m;
  }
  return rows;
}
