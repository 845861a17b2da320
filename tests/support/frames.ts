/**
 * Collects a WebSocket's server frames for tests, in workerd and in Node alike:
 * `next(type)` waits for the next unread frame of that type, `none(type)` checks
 * that none arrives within a short window. Every frame is parsed with the
 * protocol's own schema, so a malformed server frame fails the test.
 */
import { serverFrameSchema, type ServerFrame, type ServerFrameType } from '../../durable-objects/protocol';

interface MessageSource {
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
}

type FrameOf<T extends ServerFrameType> = Extract<ServerFrame, { type: T }>;

export class FrameInbox {
  readonly frames: ServerFrame[] = [];
  private readonly consumed = new Set<ServerFrame>();
  private waiters: (() => void)[] = [];
  closed?: { code: number; reason: string };

  constructor(source: MessageSource) {
    source.addEventListener('message', (event) => {
      const text = typeof event.data === 'string' ? event.data : String(event.data);
      this.frames.push(serverFrameSchema.parse(JSON.parse(text)));
      this.wake();
    });
    source.addEventListener('close', (event) => {
      this.closed = { code: event.code, reason: event.reason };
      this.wake();
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private take<T extends ServerFrameType>(type: T, where?: (f: FrameOf<T>) => boolean): FrameOf<T> | undefined {
    const frame = this.frames.find(
      (f) => f.type === type && !this.consumed.has(f) && (!where || where(f as FrameOf<T>)),
    ) as FrameOf<T> | undefined;
    if (frame) this.consumed.add(frame);
    return frame;
  }

  async next<T extends ServerFrameType>(type: T, where?: (f: FrameOf<T>) => boolean, timeoutMs = 5000): Promise<FrameOf<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = this.take(type, where);
      if (frame) return frame;
      const left = deadline - Date.now();
      if (left <= 0 || this.closed) {
        const seen = this.frames.map((f) => f.type).join(', ') || 'none';
        const closed = this.closed ? ` (closed ${this.closed.code} ${this.closed.reason})` : '';
        throw new Error(`no "${type}" frame within ${timeoutMs} ms${closed}; frames seen: ${seen}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves to the frames of `type` that arrived, unread, within `windowMs`. */
  async none<T extends ServerFrameType>(type: T, windowMs = 300): Promise<FrameOf<T>[]> {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    return this.frames.filter((f) => f.type === type && !this.consumed.has(f)) as FrameOf<T>[];
  }

  all<T extends ServerFrameType>(type: T): FrameOf<T>[] {
    return this.frames.filter((f) => f.type === type) as FrameOf<T>[];
  }

  async waitClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (!this.closed) throw new Error(`socket still open after ${timeoutMs} ms`);
    return this.closed;
  }
}
