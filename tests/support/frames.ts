/**
 * Collects a WebSocket's server frames for tests, in workerd and in Node alike:
 * `next(type)` waits for the next unread frame of that type, `none(type)` checks
 * that none arrives within a short window. Every frame is parsed with the
 * protocol's own schema, so a malformed server frame fails the test.
 */
import type { z } from 'zod';
import { serverFrameSchema, type ServerFrame } from '../../durable-objects/protocol';

interface MessageSource {
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
}

export class FrameInbox<F extends { type: string } = ServerFrame> {
  readonly frames: F[] = [];
  private readonly consumed = new Set<F>();
  private waiters: (() => void)[] = [];
  closed?: { code: number; reason: string };

  constructor(source: MessageSource, schema: z.ZodType<F> = serverFrameSchema as unknown as z.ZodType<F>) {
    source.addEventListener('message', (event) => {
      const text = typeof event.data === 'string' ? event.data : String(event.data);
      this.frames.push(schema.parse(JSON.parse(text)));
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

  private take<T extends F['type']>(type: T, where?: (f: Extract<F, { type: T }>) => boolean): Extract<F, { type: T }> | undefined {
    const frame = this.frames.find(
      (f) => f.type === type && !this.consumed.has(f) && (!where || where(f as Extract<F, { type: T }>)),
    ) as Extract<F, { type: T }> | undefined;
    if (frame) this.consumed.add(frame);
    return frame;
  }

  async next<T extends F['type']>(
    type: T,
    where?: (f: Extract<F, { type: T }>) => boolean,
    timeoutMs = 15_000,
  ): Promise<Extract<F, { type: T }>> {
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
      await this.wait(left);
    }
  }

  /**
   * The next unread frame of any of `types`, in arrival order: for tests where
   * the order across frame types matters (a catch-up's history before live messages).
   */
  async nextOf<T extends F['type']>(
    types: readonly T[],
    timeoutMs = 15_000,
    where?: (f: Extract<F, { type: T }>) => boolean,
  ): Promise<Extract<F, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = this.frames.find(
        (f) => (types as readonly string[]).includes(f.type) && !this.consumed.has(f) && (!where || where(f as Extract<F, { type: T }>)),
      ) as Extract<F, { type: T }> | undefined;
      if (frame) {
        this.consumed.add(frame);
        return frame;
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.closed) {
        const seen = this.frames.map((f) => f.type).join(', ') || 'none';
        const closed = this.closed ? ` (closed ${this.closed.code} ${this.closed.reason})` : '';
        throw new Error(`no ${types.join('/')} frame within ${timeoutMs} ms${closed}; frames seen: ${seen}`);
      }
      await this.wait(left);
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Resolves to the frames of `type` that arrived, unread, within `windowMs`. */
  async none<T extends F['type']>(type: T, windowMs = 300): Promise<Extract<F, { type: T }>[]> {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    return this.frames.filter((f) => f.type === type && !this.consumed.has(f)) as Extract<F, { type: T }>[];
  }

  all<T extends F['type']>(type: T): Extract<F, { type: T }>[] {
    return this.frames.filter((f) => f.type === type) as Extract<F, { type: T }>[];
  }

  async waitClosed(timeoutMs = 15_000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (!this.closed) throw new Error(`socket still open after ${timeoutMs} ms`);
    return this.closed;
  }
}
