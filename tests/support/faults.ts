/**
 * What the fault tests (tests/e2e/faults-*.test.ts) share:
 * - `startFaultyStack()`: a second `wrangler dev` whose Postgres path runs
 *   relay → fault proxy (scripts/lib/fault-proxy.ts) → the test database, so a
 *   test can delay, freeze or cut it without touching the suite's shared app;
 * - `RoomClient`: a chat client that behaves as the real one must under faults:
 *   logs every message it processes, reports `received`, reconnects with
 *   `after=<last seq seen>` and resends its unacked messages with the same clientId;
 * - `verifyRoom()`: once the room's outbox has drained into Postgres, every acked
 *   message is stored exactly once at the seq its ack named, seqs run 1..N, and
 *   every client's log holds every message exactly once, in order.
 * Every message they send carries the private marker, and a stack's stop() fails
 * if the app ever printed it (docs/security.md, "Logs").
 */
import { performance } from 'node:perf_hooks';
import { expect } from 'vitest';
import pg from 'pg';
import { startApp, type AppServer } from '../../scripts/lib/app-server';
import { appProcesses } from '../../scripts/bench/processes';
import { startFaultProxy, type FaultProxy } from '../../scripts/lib/fault-proxy';
import { freePort } from '../../scripts/lib/free-port';
import { hostPort, startPgRelay, type PgRelay } from '../../scripts/lib/pg-relay';
import { testAppVars } from '../../scripts/lib/test-settings';
import type { ServerFrame, WireMessage } from '../../durable-objects/protocol';
import { TestApi, type TestUser } from './api';
import { appInfo } from './app';
import { PRIVATE_MARKER } from './private-marker';
import { connectSocket, type TestSocket } from './ws-client';

/** Far above anything a test sends: the fault tests measure delivery, not the room's rate limit. */
export const UNTHROTTLED = 'burst=10000000,perMinute=600000000';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface FaultyStack {
  app: AppServer;
  proxy: FaultProxy;
  relay: PgRelay;
  api: TestApi;
  /** The database over plain TCP, bypassing the proxy: what the test reads to verify. */
  databaseUrl: string;
  stop(): Promise<void>;
}

export interface FaultyStackOptions {
  /** Default: the suite's test database (appInfo().databaseUrl). */
  databaseUrl?: string;
  /** Initial one-way delay of the proxy. */
  delayMs?: number;
  /** Extra Worker variables (DB_TIMEOUT_MS, SOCKET_BACKLOG_LIMIT_BYTES, ...). */
  vars?: Record<string, string>;
}

/** The app with its database behind a fault proxy; stop() tears down all three. */
export async function startFaultyStack(opts: FaultyStackOptions = {}): Promise<FaultyStack> {
  const databaseUrl = opts.databaseUrl ?? appInfo().databaseUrl;
  const proxy = await startFaultProxy({ target: hostPort(databaseUrl), delayMs: opts.delayMs });
  const relay = await startPgRelay({ allow: [proxy.address] });
  const proxied = new URL(databaseUrl);
  proxied.host = proxy.address;
  const port = await freePort();
  let app: AppServer;
  try {
    app = await startApp({
      port,
      vars: {
        ...testAppVars(proxied.toString(), relay.relayUrl),
        ALLOWED_ORIGINS: `http://127.0.0.1:${port}`,
        ROOM_RATE_LIMIT: UNTHROTTLED,
        ...opts.vars,
      },
      privateMarker: PRIVATE_MARKER,
    });
  } catch (err) {
    await relay.close();
    await proxy.close();
    throw err;
  }
  return {
    app,
    proxy,
    relay,
    api: new TestApi((url, init) => fetch(url, { ...init, signal: init?.signal ?? AbortSignal.timeout(30_000) }), app.baseUrl, app.origin),
    databaseUrl,
    async stop() {
      await app.stop();
      await relay.close();
      await proxy.close();
      const leak = app.privacyReport();
      if (leak) throw new Error(leak);
    },
  };
}

export interface Ack {
  clientId: string;
  seq: number;
  id: string;
  content: string;
}

/** Why one connection attempt failed: where, and the HTTP status if there was one. */
export interface ConnectFailure {
  stage: 'ticket' | 'upgrade';
  status: number | null;
  message: string;
}

export interface RoomClientOptions {
  /** Reconnect (with after=) whenever the socket closes, until stop(); default true. */
  reconnect?: boolean;
  /** Send `received` frames as the protocol asks (every 100 messages / 1 s); default true. */
  reportReceived?: boolean;
}

const RETRYABLE = new Set(['unavailable', 'busy', 'rate_limited', 'internal']);

interface PendingSend {
  content: string;
  attachmentId?: string;
}

/**
 * One user's socket to one room, kept alive across faults. Its `log` is every
 * message the client processed, across all its connections, in order.
 */
export class RoomClient {
  readonly log: WireMessage[] = [];
  /** First ack per clientId. */
  readonly acks = new Map<string, Ack>();
  /** A clientId acked again with a different seq or id: never allowed. */
  readonly ackConflicts: string[] = [];
  readonly closes: { code: number; reason: string; at: number }[] = [];
  readonly errorFrames: Extract<ServerFrame, { type: 'error' }>[] = [];
  readonly connectFailures: ConnectFailure[] = [];
  connections = 0;
  lastSeq = 0;
  socket: TestSocket | undefined;
  private readonly pending = new Map<string, PendingSend>(); // by clientId, in send order
  private readonly ackWaiters = new Map<string, (ack: Ack) => void>();
  private reportedSeq = 0;
  private sinceReport = 0;
  private stopped = false;
  private reconnecting: Promise<void> | undefined;
  private readonly reportTimer: NodeJS.Timeout | undefined;
  private readonly opts: Required<RoomClientOptions>;

  constructor(
    readonly api: TestApi,
    readonly user: TestUser,
    readonly roomId: string,
    readonly name: string,
    opts: RoomClientOptions = {},
  ) {
    this.opts = { reconnect: true, reportReceived: true, ...opts };
    if (this.opts.reportReceived) {
      this.reportTimer = setInterval(() => this.reportReceived(), 1_000);
      this.reportTimer.unref();
    }
  }

  get connected(): boolean {
    return this.socket?.ws.readyState === 1;
  }

  /** One attempt: ticket, then upgrade with after=<last seq seen>. Throws a ConnectFailure-shaped error. */
  async connectOnce(): Promise<void> {
    const res = await this.api.request('POST', `/api/rooms/${this.roomId}/ws-ticket`, undefined, this.user.token).catch((err: Error) => {
      throw Object.assign(new Error(`ticket: ${String(err.cause ?? err)}`), { failure: { stage: 'ticket', status: null, message: String(err.cause ?? err) } });
    });
    const text = await res.text();
    if (res.status !== 200 && res.status !== 201) {
      const failure: ConnectFailure = { stage: 'ticket', status: res.status, message: text.slice(0, 200) };
      throw Object.assign(new Error(`ticket → ${res.status}: ${failure.message}`), { failure });
    }
    const { ticket } = JSON.parse(text) as { ticket: string };
    let socket: TestSocket;
    try {
      socket = await connectSocket(this.api.baseUrl, this.roomId, { ticket, after: this.lastSeq, origin: this.api.origin });
    } catch (err) {
      const message = (err as Error).message;
      const status = /HTTP (\d{3})/.exec(message)?.[1];
      const failure: ConnectFailure = { stage: 'upgrade', status: status ? Number(status) : null, message: message.slice(0, 200) };
      throw Object.assign(new Error(`upgrade: ${message}`), { failure });
    }
    this.attach(socket);
  }

  /** Connects, retrying failed attempts (recorded in connectFailures) until `timeoutMs`. */
  async connect(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 100; ; delay = Math.min(delay * 2, 1_000)) {
      if (this.stopped) return;
      try {
        await this.connectOnce();
        return;
      } catch (err) {
        const failure = (err as { failure?: ConnectFailure }).failure;
        this.connectFailures.push(failure ?? { stage: 'upgrade', status: null, message: String(err) });
        if (Date.now() + delay > deadline) throw new Error(`${this.name} could not connect within ${timeoutMs} ms: ${(err as Error).message}`);
        await sleep(delay);
      }
    }
  }

  private attach(socket: TestSocket): void {
    this.socket = socket;
    this.connections += 1;
    const frames = socket.inbox.frames;
    let cursor = frames.indexOf(socket.ready) + 1;
    const drain = () => {
      while (cursor < frames.length) this.onFrame(frames[cursor++]!);
    };
    socket.ws.on('message', drain); // registered after the inbox's own listener: the frame is already in `frames`
    socket.ws.on('close', (code, reason) => {
      drain();
      this.closes.push({ code, reason: reason.toString(), at: Date.now() });
      if (this.socket === socket) this.socket = undefined;
      if (this.opts.reconnect && !this.stopped) this.scheduleReconnect();
    });
    drain();
    // Resend what was never acked, in order, with the same clientIds: the room acks a duplicate again.
    for (const [clientId, send] of this.pending) socket.send({ type: 'send', clientId, ...send });
  }

  private scheduleReconnect(): void {
    this.reconnecting ??= this.connect(60_000)
      .catch((err: unknown) => {
        this.connectFailures.push({ stage: 'upgrade', status: null, message: `gave up: ${String(err)}` });
      })
      .finally(() => (this.reconnecting = undefined));
  }

  private onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'message':
        this.accept(frame.message);
        break;
      case 'history':
        for (const m of frame.messages) this.accept(m);
        this.reportReceived();
        break;
      case 'ack': {
        const content = this.pending.get(frame.clientId)?.content;
        const previous = this.acks.get(frame.clientId);
        if (previous && (previous.seq !== frame.seq || previous.id !== frame.id)) {
          this.ackConflicts.push(`${frame.clientId}: seq ${previous.seq} then ${frame.seq}`);
        }
        if (!previous && content !== undefined) {
          const ack = { clientId: frame.clientId, seq: frame.seq, id: frame.id, content };
          this.acks.set(frame.clientId, ack);
          this.ackWaiters.get(frame.clientId)?.(ack);
          this.ackWaiters.delete(frame.clientId);
        }
        this.pending.delete(frame.clientId);
        break;
      }
      case 'error':
        this.errorFrames.push(frame);
        if (frame.clientId && this.pending.has(frame.clientId) && RETRYABLE.has(frame.code)) {
          const { clientId } = frame;
          setTimeout(() => {
            const send = this.pending.get(clientId);
            if (send !== undefined && this.connected) this.socket!.send({ type: 'send', clientId, ...send });
          }, frame.retryAfterMs ?? 250);
        }
        break;
      default:
        break;
    }
  }

  private accept(message: WireMessage): void {
    this.log.push(message);
    if (message.seq > this.lastSeq) this.lastSeq = message.seq;
    if (++this.sinceReport >= 50) this.reportReceived();
  }

  private reportReceived(): void {
    if (!this.opts.reportReceived || this.reportedSeq >= this.lastSeq || !this.connected) return;
    this.reportedSeq = this.lastSeq;
    this.sinceReport = 0;
    this.socket!.send({ type: 'received', seq: this.lastSeq });
  }

  /** Sends (or queues, while disconnected) a message; resolves with its ack, however many resends it takes. */
  send(clientId: string, content: string, attachmentId?: string): Promise<Ack> {
    const acked = new Promise<Ack>((resolve) => this.ackWaiters.set(clientId, resolve));
    const send: PendingSend = attachmentId ? { content, attachmentId } : { content };
    this.pending.set(clientId, send);
    if (this.connected) this.socket!.send({ type: 'send', clientId, ...send });
    return acked;
  }

  get unacked(): number {
    return this.pending.size;
  }

  /** Resolves once this client has processed `seq`. */
  async waitForSeq(seq: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.lastSeq < seq) {
      if (Date.now() > deadline) throw new Error(`${this.name} reached seq ${this.lastSeq}, not ${seq}, within ${timeoutMs} ms`);
      await sleep(20);
    }
  }

  /** No more reconnects; drops the socket. */
  stop(): void {
    this.stopped = true;
    if (this.reportTimer) clearInterval(this.reportTimer);
    this.socket?.drop();
  }
}

/** send → ack latency (ms) of each of `client`'s sends from now on, with when its ack came (performance.now()). */
export function timeAcks(client: RoomClient): { at: number; ms: number }[] {
  const sentAt = new Map<string, number>();
  const latencies: { at: number; ms: number }[] = [];
  const send = client.send.bind(client);
  client.send = (clientId, content, attachmentId) => {
    if (!sentAt.has(clientId)) sentAt.set(clientId, performance.now());
    return send(clientId, content, attachmentId).then((ack) => {
      latencies.push({ at: performance.now(), ms: performance.now() - sentAt.get(clientId)! });
      return ack;
    });
  };
  return latencies;
}

export interface StreamOptions {
  /** Messages per sender. */
  count: number;
  /** Pause between a sender's sends (not waiting for acks: a real client pipelines). */
  intervalMs: number;
  /** Most unacked sends per sender at once. */
  window?: number;
}

/** Each sender sends `count` messages at a steady pace; resolves once all are acked (bounded). */
export async function stream(senders: RoomClient[], opts: StreamOptions & { ackTimeoutMs?: number; tag?: string }): Promise<void> {
  const tag = opts.tag ?? 'm';
  const window = opts.window ?? 20;
  await Promise.all(
    senders.map(async (sender) => {
      const acks: Promise<Ack>[] = [];
      for (let i = 0; i < opts.count; i++) {
        while (sender.unacked >= window) await sleep(5);
        acks.push(sender.send(`${sender.name}-${tag}${i}`, `${sender.name} says ${tag}${i} ${PRIVATE_MARKER}`));
        await sleep(opts.intervalMs);
      }
      const timeout = opts.ackTimeoutMs ?? 60_000;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(acks),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${sender.name}: ${sender.unacked} sends still unacked ${timeout} ms after the last send`)), timeout);
        }),
      ]).finally(() => clearTimeout(timer));
    }),
  );
}

/** The room's rows in Postgres, by seq. */
export async function roomRows(databaseUrl: string, roomId: string) {
  const db = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000, statement_timeout: 10_000 });
  await db.connect();
  try {
    const { rows } = await db.query<{ id: string; seq: string; sender_id: string | null; client_id: string; content: string }>(
      'select id, seq, sender_id, client_id, content from messages where room_id = $1 order by seq',
      [roomId],
    );
    const room = await db.query<{ last_seq: string }>('select last_seq from rooms where id = $1', [roomId]);
    return { rows: rows.map((r) => ({ ...r, seq: Number(r.seq) })), lastSeq: Number(room.rows[0]?.last_seq ?? 0) };
  } finally {
    await db.end().catch(() => {});
  }
}

/** Polls Postgres until the room's rows reach `seq` (the outbox drained that far); returns how long it took. */
export async function waitForFlush(databaseUrl: string, roomId: string, seq: number, timeoutMs = 30_000): Promise<number> {
  const start = Date.now();
  let seen = 'nothing';
  while (Date.now() - start < timeoutMs) {
    try {
      const { rows, lastSeq } = await roomRows(databaseUrl, roomId);
      const max = rows.at(-1)?.seq ?? 0;
      if (max >= seq && rows.length >= seq && lastSeq >= seq) return Date.now() - start;
      seen = `${rows.length} rows, max seq ${max}, rooms.last_seq ${lastSeq}`;
    } catch (err) {
      seen = String(err); // Postgres may still be coming back
    }
    await sleep(200);
  }
  throw new Error(`the outbox did not reach seq ${seq} in Postgres within ${timeoutMs} ms (last: ${seen})`);
}

export interface VerifyOptions {
  databaseUrl: string;
  roomId: string;
  /** Everyone whose acks and logs count: senders and readers alike. */
  clients: RoomClient[];
  flushTimeoutMs?: number;
}

/**
 * The promise, checked from both ends: Postgres holds each acked message once, at
 * its acked seq, seqs contiguous 1..N; each client's log is exactly rows 1..N in order.
 */
export async function verifyRoom(opts: VerifyOptions): Promise<{ stored: number; flushWaitMs: number }> {
  const acked = opts.clients.flatMap((c) => [...c.acks.values()].map((a) => ({ ...a, senderId: c.user.id, client: c.name })));
  const maxAcked = Math.max(0, ...acked.map((a) => a.seq));
  const flushWaitMs = await waitForFlush(opts.databaseUrl, opts.roomId, maxAcked, opts.flushTimeoutMs);
  const { rows, lastSeq } = await roomRows(opts.databaseUrl, opts.roomId);

  expect(rows.map((r) => r.seq), 'seqs in Postgres run 1..N with no gap or repeat').toEqual(rows.map((_, i) => i + 1));
  expect(lastSeq, 'rooms.last_seq').toBe(rows.length);
  for (const c of opts.clients) expect(c.ackConflicts, `${c.name}: a clientId acked twice with different seqs`).toEqual([]);

  const byKey = new Map<string, typeof rows>();
  for (const r of rows) byKey.set(`${r.sender_id}:${r.client_id}`, [...(byKey.get(`${r.sender_id}:${r.client_id}`) ?? []), r]);
  const problems: string[] = [];
  for (const a of acked) {
    const stored = byKey.get(`${a.senderId}:${a.clientId}`) ?? [];
    if (stored.length !== 1) problems.push(`${a.client} ${a.clientId} (acked seq ${a.seq}) stored ${stored.length} times`);
    else if (stored[0]!.seq !== a.seq || stored[0]!.id !== a.id || stored[0]!.content !== a.content) {
      problems.push(`${a.client} ${a.clientId}: acked seq ${a.seq} id ${a.id}, stored seq ${stored[0]!.seq} id ${stored[0]!.id}`);
    }
  }
  expect(problems.slice(0, 20), `${problems.length} acked messages not stored exactly once as acked`).toEqual([]);

  const expected = rows.map((r) => `${r.seq}:${r.id}`);
  for (const c of opts.clients) {
    const got = c.log.map((m) => `${m.seq}:${m.id}`);
    if (got.length === expected.length && got.every((g, i) => g === expected[i])) continue;
    expect(describeLogMismatch(got, expected), `${c.name}'s log against Postgres (${c.connections} connections)`).toBe('identical');
  }
  return { stored: rows.length, flushWaitMs };
}

/** A short account of how a client's log differs from the rows: missing, duplicated, out of order. */
function describeLogMismatch(got: string[], expected: string[]): string {
  const seqs = got.map((g) => Number(g.split(':')[0]));
  const counts = new Map<number, number>();
  for (const s of seqs) counts.set(s, (counts.get(s) ?? 0) + 1);
  const missing = expected.map((e) => Number(e.split(':')[0])).filter((s) => !counts.has(s));
  const duplicated = [...counts].filter(([, n]) => n > 1).map(([s]) => s);
  const outOfOrder = seqs.findIndex((s, i) => i > 0 && s <= seqs[i - 1]!);
  const wrongIds = got.filter((g) => !expected.includes(g) && counts.get(Number(g.split(':')[0])) === 1).slice(0, 5);
  return [
    `${got.length} messages logged, ${expected.length} stored`,
    missing.length ? `missing ${missing.length}: ${ranges(missing)}` : '',
    duplicated.length ? `duplicated ${duplicated.length}: ${ranges(duplicated)}` : '',
    outOfOrder >= 0 ? `out of order at index ${outOfOrder} (seq ${seqs[outOfOrder]} after ${seqs[outOfOrder - 1]})` : '',
    wrongIds.length ? `ids differing from Postgres: ${wrongIds.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/** [1,2,3,7,9,10] → "1-3, 7, 9-10" */
function ranges(sorted: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

/** A group of `size` fresh users (the first is its admin) and one RoomClient per user, connected. */
export async function groupWithClients(api: TestApi, size: number, opts: RoomClientOptions = {}, prefix = 'f') {
  const users: TestUser[] = [];
  for (let i = 0; i < size; i += 10) users.push(...(await Promise.all(Array.from({ length: Math.min(10, size - i) }, () => api.register(prefix)))));
  const roomId = await api.createGroup(users[0]!, `faults ${prefix}`, users.slice(1));
  const clients = users.map((u, i) => new RoomClient(api, u, roomId, `${prefix}${i}`, opts));
  await Promise.all(clients.map((c) => c.connect()));
  return { users, roomId, clients };
}

/** Stops every client (no reconnects) and waits a moment for their sockets to go. */
export function stopAll(clients: RoomClient[]): void {
  for (const c of clients) c.stop();
}

/** kill -9 of the whole `wrangler dev` process group (wrangler and workerd): no shutdown of any kind. */
export function killAppHard(app: AppServer): number[] {
  const { runtime, proxy, wrangler } = appProcesses(app.persistTo, app.port);
  const pids = [...runtime, ...proxy, ...wrangler];
  if (!runtime.length) throw new Error(`no workerd found for the app on ${app.baseUrl}`);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return runtime;
}
