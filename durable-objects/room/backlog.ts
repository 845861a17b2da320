/**
 * What one slow reader may cost the room. The runtime gives a Durable Object no
 * view of a WebSocket's send buffer, so the room counts what it broadcast to
 * each socket since that client last said `received`; past the limit the socket
 * is closed with CLOSE_CODES.behind and the client reconnects with `after=`,
 * which replays from storage instead of from the room's memory.
 * Counts live in memory: a room only hibernates when nothing is being sent.
 */
import { CLOSE_CODES } from '../protocol';

export class ReaderBacklog {
  private readonly unconfirmed = new Map<WebSocket, number>();

  constructor(readonly limitBytes: number) {}

  /** `characters` were sent to `ws` (UTF-16 units: close enough to bytes for a bound). */
  sent(ws: WebSocket, characters: number): void {
    const total = (this.unconfirmed.get(ws) ?? 0) + characters;
    if (total <= this.limitBytes) {
      this.unconfirmed.set(ws, total);
      return;
    }
    this.unconfirmed.delete(ws);
    try {
      ws.close(CLOSE_CODES.behind, 'fell behind: reconnect with after=');
    } catch {
      // Already closing.
    }
  }

  received(ws: WebSocket): void {
    this.unconfirmed.delete(ws);
  }

  forget(ws: WebSocket): void {
    this.unconfirmed.delete(ws);
  }
}

/** SOCKET_BACKLOG_LIMIT_BYTES, checked, with a message that names the fix. */
export function backlogLimit(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const bytes = Number(text);
  if (!Number.isInteger(bytes) || bytes < 16 * 1024) {
    throw new Error(`SOCKET_BACKLOG_LIMIT_BYTES must be a whole number of bytes, at least 16384, not "${text}"`);
  }
  return bytes;
}
