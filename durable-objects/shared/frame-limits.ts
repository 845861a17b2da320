/**
 * Cloudflare closes a WebSocket whose message exceeds 1 MiB before the app sees
 * it; workerd locally does not. The room applies the same limit itself so local
 * runs behave like production: such a frame closes the socket with 1009
 * ("message too big"), not an error frame. (Frames above MAX_FRAME_BYTES but
 * within 1 MiB get a `frame_too_large` error and the socket stays open.)
 */
export const PLATFORM_MAX_FRAME_BYTES = 1024 * 1024;
export const CLOSE_MESSAGE_TOO_BIG = 1009;

export function exceedsPlatformFrameLimit(raw: string | ArrayBuffer): boolean {
  if (typeof raw !== 'string') return raw.byteLength > PLATFORM_MAX_FRAME_BYTES;
  // UTF-8 needs at least one byte per UTF-16 unit and at most three: measure only near the limit.
  if (raw.length <= PLATFORM_MAX_FRAME_BYTES / 3) return false;
  if (raw.length > PLATFORM_MAX_FRAME_BYTES) return true;
  return new TextEncoder().encode(raw).byteLength > PLATFORM_MAX_FRAME_BYTES;
}

/** Closes the socket the way the platform would; true when the frame must not be handled. */
export function refuseOversizedFrame(ws: WebSocket, raw: string | ArrayBuffer): boolean {
  if (!exceedsPlatformFrameLimit(raw)) return false;
  ws.close(CLOSE_MESSAGE_TOO_BIG, `frame exceeds ${PLATFORM_MAX_FRAME_BYTES} bytes`);
  return true;
}
