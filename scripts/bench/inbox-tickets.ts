/**
 * The web app's way to get a room's ticket: over its open inbox socket (the `ticket`
 * frame), instead of POST /api/rooms/:roomId/ws-ticket. One socket per user, opened
 * once with a REST ticket; each `mint` is one frame out and one back.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { AppClient, BenchUser, Frame } from './app-client';

export class InboxTickets {
  private readonly pending = new Map<string, { resolve: (ticket: string) => void; reject: (err: Error) => void }>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      const waiter = typeof frame.requestId === 'string' ? this.pending.get(frame.requestId) : undefined;
      if (!waiter) return;
      this.pending.delete(frame.requestId);
      if (frame.type === 'ticket') waiter.resolve(frame.ticket);
      else waiter.reject(new Error(`inbox refused a ticket: ${frame.code} ${frame.message}`));
    });
    ws.on('close', () => {
      for (const waiter of this.pending.values()) waiter.reject(new Error('inbox socket closed'));
      this.pending.clear();
    });
  }

  /** Opens `user`'s inbox socket and waits for `inbox_ready`. */
  static async open(client: AppClient, user: BenchUser, timeoutMs = 30_000): Promise<InboxTickets> {
    const { ticket } = await client.json<{ ticket: string }>('POST', '/api/inbox/ws-ticket', undefined, user.token);
    const url = new URL('/ws/inbox', client.baseUrl.replace(/^http/, 'ws'));
    url.searchParams.set('ticket', ticket);
    const ws = new WebSocket(url, { origin: client.origin, perMessageDeflate: false, handshakeTimeout: timeoutMs });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no inbox_ready')), timeoutMs);
      ws.on('message', (data) => {
        if ((JSON.parse(data.toString()) as Frame).type !== 'inbox_ready') return;
        clearTimeout(timer);
        resolve();
      });
      ws.once('error', reject);
    });
    return new InboxTickets(ws);
  }

  mint(roomId: string, timeoutMs = 30_000): Promise<string> {
    const requestId = randomUUID();
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ticket for ${roomId} within ${timeoutMs} ms`)), timeoutMs);
      const done = <T>(fn: (v: T) => void) => (v: T) => {
        clearTimeout(timer);
        fn(v);
      };
      this.pending.set(requestId, { resolve: done(resolve), reject: done(reject) });
      this.ws.send(JSON.stringify({ type: 'ticket', requestId, roomId }));
    });
  }

  close(): void {
    this.ws.close(1000, 'bench done');
  }
}
