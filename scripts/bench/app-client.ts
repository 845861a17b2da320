/**
 * The load generator's view of the app: a few REST calls (register, create a
 * group) and room sockets from Node (`ws`). Deliberately minimal: on the hot
 * path a socket only timestamps and JSON-parses each frame (and reports `received`
 * every RECEIVED_EVERY_MESSAGES messages, as the protocol asks), so the client's own
 * cost stays small next to what it measures (and the transport baseline pays
 * the same cost; see transport.ts).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { RECEIVED_EVERY_MESSAGES } from '../../durable-objects/protocol';
import { mapLimit } from './stats';

export interface BenchUser {
  id: string;
  username: string;
  token: string;
}

/** Any server frame; the bench reads only a few fields, the protocol's schema is not re-checked here. */
export type Frame = { type: string; [key: string]: any };

export interface BenchSocket {
  ws: WebSocket;
  user: BenchUser;
  roomId: string;
  /** The `ready` frame: lastSeq, members. */
  ready: Frame;
  /** performance.now() marks of the open: its start, the ticket's answer (ticketed opens), the 101, the `ready` frame. */
  opening: OpenMarks;
  /** Replaced by each phase; `at` is performance.now() when the frame arrived, before parsing. */
  onFrame: (frame: Frame, at: number) => void;
  send(frame: unknown): void;
  close(): Promise<void>;
}

export interface OpenMarks {
  startedAt: number;
  ticketAt?: number;
  upgradedAt: number;
  readyAt: number;
}

export class AppClient {
  /** Only 127.0.0.1 targets: the bench never leaves the machine. */
  constructor(readonly baseUrl: string) {
    if (new URL(baseUrl).hostname !== '127.0.0.1') throw new Error(`bench targets 127.0.0.1 only, not ${baseUrl}`);
  }

  /** The app's own origin: always allowed for CORS and upgrades. */
  get origin(): string {
    return this.baseUrl;
  }

  async json<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    const headers: Record<string, string> = { origin: this.origin };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async register(prefix: string): Promise<BenchUser> {
    const username = `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const body = await this.json<{ user: { id: string }; token: string }>('POST', '/api/auth/register', {
      username,
      email: `${username}@bench.test`,
      password: `pw-${randomUUID()}`,
    });
    return { id: body.user.id, username, token: body.token };
  }

  /** Registers `count` users, a few at a time (each registration is a bcrypt hash plus two inserts). */
  registerMany(prefix: string, count: number, concurrency = 8): Promise<BenchUser[]> {
    return mapLimit(Array.from({ length: count }), concurrency, () => this.register(prefix));
  }

  async createGroup(admin: BenchUser, name: string, members: BenchUser[]): Promise<string> {
    const others = members.filter((m) => m.id !== admin.id).map((m) => m.username);
    const body = await this.json<{ room: { id: string } }>('POST', '/api/groups', { name, members: others }, admin.token);
    return body.room.id;
  }

  /** How long each ticket of openSocketWithTicket took (REST or inbox), ms. */
  readonly ticketTimings: number[] = [];

  /**
   * The browser's way: a ticket, then the upgrade with `?ticket=` (no session lookup at the
   * upgrade). The ticket comes from `mint` (the web app asks its open inbox socket:
   * inbox-tickets.ts), or else from POST ws-ticket.
   */
  async openSocketWithTicket(user: BenchUser, roomId: string, mint?: (roomId: string) => Promise<string>, timeoutMs = 30_000): Promise<BenchSocket> {
    const t0 = performance.now();
    const ticket = mint
      ? await mint(roomId)
      : (await this.json<{ ticket: string }>('POST', `/api/rooms/${roomId}/ws-ticket`, undefined, user.token)).ticket;
    const ticketAt = performance.now();
    this.ticketTimings.push(ticketAt - t0);
    const socket = await this.openSocket(user, roomId, timeoutMs, ticket);
    socket.opening = { ...socket.opening, startedAt: t0, ticketAt };
    return socket;
  }

  /**
   * Opens /ws/rooms/:roomId with the access token in the URL (`?token=`): one
   * REST call fewer per socket than a ticket, same checks at the upgrade.
   * Resolves once `ready` arrived.
   */
  openSocket(user: BenchUser, roomId: string, timeoutMs = 30_000, ticket?: string): Promise<BenchSocket> {
    const url = new URL(`/ws/rooms/${roomId}`, this.baseUrl.replace(/^http/, 'ws'));
    if (ticket) url.searchParams.set('ticket', ticket);
    else url.searchParams.set('token', user.token);
    const startedAt = performance.now();
    const ws = new WebSocket(url, { origin: this.origin, perMessageDeflate: false, handshakeTimeout: timeoutMs });
    let upgradedAt = Number.NaN;
    ws.once('upgrade', () => (upgradedAt = performance.now()));
    return new Promise<BenchSocket>((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`no ready frame within ${timeoutMs} ms on room ${roomId}`));
      }, timeoutMs);
      const socket: BenchSocket = {
        ws,
        user,
        roomId,
        ready: { type: 'pending' },
        opening: { startedAt, upgradedAt, readyAt: Number.NaN },
        onFrame: () => {},
        send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
        close: () =>
          new Promise<void>((done) => {
            if (ws.readyState === WebSocket.CLOSED) return done();
            ws.once('close', () => done());
            ws.close(1000, 'bench done');
            // A close handshake the server never answers must not hang teardown.
            setTimeout(() => ws.terminate(), 5_000).unref();
          }),
      };
      // Delivery reports, as every real client sends them: without, the room closes a busy socket as behind (4409).
      let unreported = 0;
      ws.on('message', (data) => {
        const at = performance.now();
        const frame = JSON.parse(data.toString()) as Frame;
        if (socket.ready.type === 'pending' && frame.type === 'ready') {
          socket.ready = frame;
          socket.opening = { startedAt, upgradedAt, readyAt: at };
          clearTimeout(timer);
          resolve(socket);
          return;
        }
        socket.onFrame(frame, at);
        if (frame.type === 'message' && ++unreported >= RECEIVED_EVERY_MESSAGES) {
          unreported = 0;
          ws.send(`{"type":"received","seq":${Number(frame.message.seq)}}`);
        }
      });
      ws.on('unexpected-response', (_req, res) => {
        clearTimeout(timer);
        reject(new Error(`upgrade to room ${roomId} refused: HTTP ${res.statusCode}`));
        ws.terminate();
      });
      ws.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }
}

export async function closeAll(sockets: BenchSocket[]): Promise<void> {
  await Promise.all(sockets.map((s) => s.close()));
}
