/**
 * Image work done in the browser before an upload: measuring, a thumbnail for the
 * message bubble, and avatars scaled down. Loaded on demand (dynamic import) when a
 * picture is attached, so the chat page does not carry it.
 */

export interface PreparedImage {
  width: number;
  height: number;
  /** A small JPEG/WebP for the bubble; null when the image could not be decoded here. */
  thumbnail: Blob | null;
}

/** Longest side of the thumbnail shown in the bubble (2× for sharp screens). */
export const THUMBNAIL_MAX_SIDE = 480;
/** Avatars are stored square at this size. */
export const AVATAR_SIDE = 256;

async function decode(file: Blob): Promise<ImageBitmap | null> {
  try {
    return await createImageBitmap(file);
  } catch {
    return null;
  }
}

function canvasOf(width: number, height: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

function toBlob(canvas: HTMLCanvasElement, type: string, quality: number): Promise<Blob | null> {
  return new Promise((resolve) => canvas.toBlob(resolve, type, quality));
}

/** Size and thumbnail of an image about to be sent. */
export async function prepareImage(file: Blob): Promise<PreparedImage | null> {
  const bitmap = await decode(file);
  if (!bitmap) return null;
  const { width, height } = bitmap;
  const scale = Math.min(1, THUMBNAIL_MAX_SIDE / Math.max(width, height));
  const canvas = canvasOf(Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)));
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const thumbnail = (await toBlob(canvas, 'image/webp', 0.8)) ?? (await toBlob(canvas, 'image/jpeg', 0.8));
  return { width, height, thumbnail };
}

/** A square AVATAR_SIDE picture from the middle of `file`, or null if it is not a picture the browser can read. */
export async function squareAvatar(file: Blob): Promise<Blob | null> {
  const bitmap = await decode(file);
  if (!bitmap) return null;
  const side = Math.min(bitmap.width, bitmap.height);
  const canvas = canvasOf(AVATAR_SIDE, AVATAR_SIDE);
  const ctx = canvas.getContext('2d');
  ctx?.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, AVATAR_SIDE, AVATAR_SIDE);
  bitmap.close();
  return (await toBlob(canvas, 'image/webp', 0.85)) ?? (await toBlob(canvas, 'image/jpeg', 0.85));
}
