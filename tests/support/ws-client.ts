/**
 * Real WebSockets from Node (package `ws`) to a running app, for end-to-end
 * tests: `connectSocket()` opens /ws/rooms/:roomId and resolves once the room's
 * `ready` frame arrived; `refusedUpgrade()` expects the upgrade to be refused
 * and resolves to the HTTP status and body the server answered with.
 * Every socket opened here is closed by `closeAllSockets()` (call it in afterEach).
 */
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { deliveryReporter, inboxFrameSchema, type InboxFrame, type ServerFrame } from '../../durable-objects/protocol';
import { FrameInbox } from './frames';

export interface UpgradeOptions {
  /** A single-use ticket from POST /api/rooms/:roomId/ws-ticket. */
  ticket?: string;
  /** The access JWT in the URL (`?token=`). */
  token?: string;
  /** The access JWT in an `Authorization: Bearer` header. */
  bearer?: string;
  /** Replay every message after this seq before going live. */
  after?: number;
  /** The Origin header; null sends none. */
  origin: string | null;
  /** Extra query text appended as is (e.g. to send malformed parameters). */
  rawQuery?: string;
}

export interface TestSocket {
  ws: WebSocket;
  inbox: FrameInbox;
  ready: Extract<ServerFrame, { type: 'ready' }>;
  /** Sends a frame as JSON text. */
  send(frame: unknown): void;
  /** Sends text exactly as given. */
  sendRaw(text: string): void;
  /** Closes cleanly and waits for the close to complete. */
  close(): Promise<void>;
  /** Drops the connection abruptly (no close handshake), as a lost network would. */
  drop(): void;
}

const open = new Set<WebSocket>();

export function socketUrl(baseUrl: string, roomId: string, opts: Omit<UpgradeOptions, 'origin' | 'bearer'>): string {
  const url = new URL(`/ws/rooms/${roomId}`, baseUrl.replace(/^http/, 'ws'));
  if (opts.ticket !== undefined) url.searchParams.set('ticket', opts.ticket);
  if (opts.token !== undefined) url.searchParams.set('token', opts.token);
  if (opts.after !== undefined) url.searchParams.set('after', String(opts.after));
  let text = url.toString();
  if (opts.rawQuery) text += (url.search ? '&' : '?') + opts.rawQuery;
  return text;
}

function openSocket(baseUrl: string, roomId: string, opts: UpgradeOptions): WebSocket {
  const headers: Record<string, string> = {};
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  const ws = new WebSocket(socketUrl(baseUrl, roomId, opts), {
    headers,
    ...(opts.origin === null ? {} : { origin: opts.origin }),
    handshakeTimeout: 10_000,
  });
  open.add(ws);
  ws.on('close', () => open.delete(ws));
  // Errors are reported through the promises below; a late one (after terminate) must not crash the run.
  ws.on('error', () => {});
  return ws;
}

/** Reads a refused upgrade's response to the end (the caller then aborts the handshake). */
function readRefusal(res: IncomingMessage): Promise<RefusedUpgrade> {
  return new Promise((resolve) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (body += chunk));
    res.on('end', () => {
      let json: RefusedUpgrade['json'];
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      resolve({ status: res.statusCode ?? 0, body, json });
    });
  });
}

/** Opens a room socket and waits for its `ready` frame; rejects if the upgrade is refused. */
export async function connectSocket(baseUrl: string, roomId: string, opts: UpgradeOptions): Promise<TestSocket> {
  const ws = openSocket(baseUrl, roomId, opts);
  // Listen before the handshake completes: the room sends `ready` right after it.
  const inbox = new FrameInbox(ws as never);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => {
      void readRefusal(res).then((r) => {
        reject(new Error(`upgrade refused: HTTP ${r.status} ${r.body}`));
        ws.terminate();
      });
    });
    ws.once('error', reject);
  });
  // Report delivery as every client must (protocol.ts deliveryReporter), or a busy room closes us (4409).
  const report = deliveryReporter();
  ws.on('message', (data) => {
    const due = report(JSON.parse(String(data)) as ServerFrame);
    if (due && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(due));
  });
  const ready = await inbox.next('ready');
  return {
    ws,
    inbox,
    ready,
    send: (frame) => ws.send(JSON.stringify(frame)),
    sendRaw: (text) => ws.send(text),
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close(1000, 'bye');
      }),
    drop: () => ws.terminate(),
  };
}

export interface RefusedUpgrade {
  status: number;
  body: string;
  /** The body parsed as JSON, if it is JSON. */
  json?: { error?: { code?: string; message?: string } };
}

/** Expects the server to refuse the upgrade; resolves to its HTTP answer, rejects if the socket opened. */
export async function refusedUpgrade(baseUrl: string, roomId: string, opts: UpgradeOptions): Promise<RefusedUpgrade> {
  const ws = openSocket(baseUrl, roomId, opts);
  return new Promise<RefusedUpgrade>((resolve, reject) => {
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('the upgrade was accepted, expected a refusal'));
    });
    ws.once('unexpected-response', (_req, res) => {
      void readRefusal(res).then((r) => {
        resolve(r);
        ws.terminate();
      });
    });
    ws.once('error', reject);
  });
}

export async function closeAllSockets(): Promise<void> {
  const closing = [...open].map(
    (ws) =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.terminate();
      }),
  );
  await Promise.all(closing);
  open.clear();
}

/**
 * Opens /ws/inbox with an inbox ticket and waits for `inbox_ready`; `roomTicket` asks it for
 * a room's ticket (the `ticket` frame) and resolves with the ticket, or rejects with the refusal.
 */
export async function connectInboxSocket(baseUrl: string, ticket: string, origin: string) {
  const url = new URL('/ws/inbox', baseUrl.replace(/^http/, 'ws'));
  url.searchParams.set('ticket', ticket);
  const ws = new WebSocket(url, { origin, handshakeTimeout: 10_000 });
  open.add(ws);
  ws.on('close', () => open.delete(ws));
  ws.on('error', () => {});
  const inbox = new FrameInbox<InboxFrame>(ws as never, inboxFrameSchema);
  await inbox.next('inbox_ready');
  return {
    ws,
    inbox,
    async roomTicket(roomId: string): Promise<string> {
      const requestId = crypto.randomUUID();
      ws.send(JSON.stringify({ type: 'ticket', requestId, roomId }));
      const answer = await inbox.nextOf(['ticket', 'error'] as const, undefined, (f) => f.requestId === requestId);
      if (answer.type === 'error') throw new Error(`inbox refused the ticket: ${answer.code} ${answer.message}`);
      return answer.ticket;
    },
  };
}
