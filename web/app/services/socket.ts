/**
 * A WebSocket that stays connected: it builds a fresh URL (with a new single-use ticket) for
 * every attempt, reconnects with exponential backoff and jitter, pings every 30 s and treats a
 * missing reply as a dead link, follows the browser's online/offline events, and stops for good
 * on the application close codes that mean "do not come back" (CLOSE_CODES in protocol.ts).
 * It knows nothing about rooms: the caller supplies the URL and a parser, so the room socket and
 * the inbox socket share it.
 */
import { api, ApiError, UNREACHABLE_EVENT } from './api';
import { roomTickets } from './room-tickets';
import {
  CLOSE_CODES,
  deliveryReporter,
  PING_FRAME,
  inboxFrameSchema,
  serverFrameSchema,
  type ClientFrame,
  type InboxClientFrame,
  type InboxFrame,
  type ServerFrame,
} from '../lib/protocol';

export type ConnectionState =
  /** Fetching a ticket / opening the socket. */
  | { status: 'connecting'; attempt: number }
  /** Socket open; waiting for the server's first frames. */
  | { status: 'open' }
  /** Waiting before the next attempt. */
  | { status: 'waiting'; attempt: number; retryAt: number; reason: string }
  /** The browser says there is no network; we retry as soon as it comes back. */
  | { status: 'offline' }
  /** Will not retry (not a member, signed out). */
  | { status: 'failed'; reason: string }
  | { status: 'closed' };

export interface SocketOptions<In> {
  /** The URL of the next attempt (fetches a ticket; may throw an ApiError). */
  connectUrl(): Promise<string>;
  /** Turns one text message into a frame, or null to drop it. */
  parse(data: string): In | null;
  onFrame(frame: In): void;
  onState(state: ConnectionState): void;
  /** Called when the socket opens (before any frame). */
  onOpen?(): void;
  /** The server closed the socket because the session ended (4401): refresh, then we retry. */
  onSessionEnded?(): void;
  /** Message shown when the server says we are not a member (4403). */
  notMemberText?: string;
}

const PING_EVERY_MS = 30_000;
const PONG_TIMEOUT_MS = 10_000;

/**
 * After UNREACHABLE_EVENT (a request found no connection), an open socket may be a dead one the
 * keepalive has not caught yet (up to 40 s): it pings at once and is given up after this long.
 */
const PROBE_TIMEOUT_MS = 5000;
const CONNECT_TIMEOUT_MS = 15_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;

/** Exponential backoff with full jitter: uniform in [base/2, min(max, base·2^attempt)]. */
export function backoffDelay(attempt: number, random = Math.random): number {
  const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 16));
  return Math.round(BACKOFF_BASE_MS / 2 + random() * (cap - BACKOFF_BASE_MS / 2));
}

/** Same-origin ws: or wss: URL for a path and query. */
export function socketUrl(path: string, query: Record<string, string | number | undefined>): string {
  const { protocol, host } = window.location;
  const scheme = protocol === 'https:' ? 'wss:' : 'ws:';
  const qs = Object.entries(query)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `${scheme}//${host}${path}${qs ? `?${qs}` : ''}`;
}

export class ReconnectingSocket<In, Out = unknown> {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private stopped = true;
  private generation = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private state: ConnectionState = { status: 'closed' };

  constructor(private readonly options: SocketOptions<In>) {}

  get current(): ConnectionState {
    return this.state;
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.handleOnline);
    window.addEventListener('offline', this.handleOffline);
    document.addEventListener('visibilitychange', this.handleVisible);
    window.addEventListener(UNREACHABLE_EVENT, this.handleUnreachable);
    if (navigator.onLine === false) this.setState({ status: 'offline' });
    else void this.connect();
  }

  stop() {
    this.stopped = true;
    this.generation++;
    window.removeEventListener('online', this.handleOnline);
    window.removeEventListener('offline', this.handleOffline);
    document.removeEventListener('visibilitychange', this.handleVisible);
    window.removeEventListener(UNREACHABLE_EVENT, this.handleUnreachable);
    this.clearTimers();
    this.closeSocket(1000, 'bye');
    this.setState({ status: 'closed' });
  }

  /** Sends a frame if the socket is open. Returns false otherwise (the caller decides to queue). */
  send(frame: Out): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    try {
      ws.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  /** Skips the backoff wait (the "Retry now" button, the network coming back). */
  reconnectNow() {
    if (this.stopped) return;
    if (this.state.status === 'waiting' || this.state.status === 'offline' || this.state.status === 'failed') {
      this.clearTimers();
      void this.connect();
    }
  }

  /** Stops retrying for good (e.g. the server said we are not a member). */
  fail(reason: string) {
    this.generation++;
    this.clearTimers();
    this.closeSocket(1000, 'failed');
    this.setState({ status: 'failed', reason });
  }

  /** Drops the current connection and reconnects after the usual backoff. */
  restart(reason: string) {
    if (this.stopped) return;
    this.generation++;
    this.clearTimers();
    this.closeSocket(4000, reason);
    this.scheduleRetry(reason);
  }

  private setState(state: ConnectionState) {
    this.state = state;
    this.options.onState(state);
  }

  private async connect() {
    const gen = ++this.generation;
    this.setState({ status: 'connecting', attempt: this.attempt });
    let url: string;
    try {
      url = await this.options.connectUrl();
    } catch (err) {
      if (gen !== this.generation) return;
      if (err instanceof ApiError && (err.status === 401 || err.status === 403 || err.status === 404)) {
        this.setState({ status: 'failed', reason: err.message });
        return;
      }
      this.scheduleRetry(err instanceof ApiError ? err.message : 'Could not connect.');
      return;
    }
    if (gen !== this.generation) return;

    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch {
      this.scheduleRetry('Could not open the connection.');
      return;
    }
    this.ws = ws;
    this.connectTimer = setTimeout(() => {
      if (gen === this.generation && ws.readyState !== WebSocket.OPEN) this.restart('Connection timed out.');
    }, CONNECT_TIMEOUT_MS);

    ws.onopen = () => {
      if (gen !== this.generation) return;
      clearTimeout(this.connectTimer);
      this.setState({ status: 'open' });
      this.options.onOpen?.();
      this.pingTimer = setInterval(() => this.ping(gen), PING_EVERY_MS);
    };
    ws.onmessage = (event) => {
      if (gen !== this.generation) return;
      clearTimeout(this.pongTimer);
      this.pongTimer = undefined;
      if (typeof event.data !== 'string') return;
      const frame = this.options.parse(event.data);
      if (frame !== null) this.options.onFrame(frame);
    };
    ws.onclose = (event) => {
      if (gen !== this.generation) return;
      this.ws = null;
      this.clearTimers();
      if (this.stopped) return;
      if (event.code === CLOSE_CODES.notAMember) {
        this.setState({ status: 'failed', reason: this.options.notMemberText ?? 'You are not a member of this conversation.' });
        return;
      }
      if (event.code === CLOSE_CODES.sessionEnded) this.options.onSessionEnded?.();
      if (navigator.onLine === false) {
        this.setState({ status: 'offline' });
        return;
      }
      this.scheduleRetry('Connection lost.');
    };
    ws.onerror = () => {
      // onclose follows and decides what to do.
    };
  }

  /** Called once the server confirmed the session (e.g. `ready`): the next failure starts the backoff over. */
  markHealthy() {
    this.attempt = 0;
  }

  private ping(gen: number, timeoutMs = PONG_TIMEOUT_MS) {
    if (gen !== this.generation || !this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    try {
      this.ws.send(PING_FRAME);
    } catch {
      return;
    }
    if (this.pongTimer === undefined) {
      this.pongTimer = setTimeout(() => {
        if (gen === this.generation) this.restart('The server stopped answering.');
      }, timeoutMs);
    }
  }

  private scheduleRetry(reason: string) {
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt);
    this.attempt++;
    const gen = this.generation;
    this.setState({ status: 'waiting', attempt: this.attempt, retryAt: Date.now() + delay, reason });
    this.retryTimer = setTimeout(() => {
      if (gen === this.generation && !this.stopped) void this.connect();
    }, delay);
  }

  private closeSocket(code: number, reason: string) {
    const ws = this.ws;
    this.ws = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    try {
      if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.close(code, reason);
    } catch {
      // already closing
    }
  }

  private clearTimers() {
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
    clearTimeout(this.connectTimer);
    this.retryTimer = this.pingTimer = this.pongTimer = this.connectTimer = undefined;
  }

  private handleOnline = () => {
    if (this.stopped) return;
    if (this.state.status === 'offline' || this.state.status === 'waiting') {
      this.clearTimers();
      this.attempt = 0;
      void this.connect();
    }
  };

  private handleOffline = () => {
    if (this.stopped) return;
    // The socket may look open for a long time after the network is gone: drop it now, resume later.
    this.generation++;
    this.clearTimers();
    this.closeSocket(4000, 'offline');
    this.setState({ status: 'offline' });
  };

  private handleUnreachable = () => {
    if (!this.stopped && this.ws?.readyState === WebSocket.OPEN) this.ping(this.generation, PROBE_TIMEOUT_MS);
  };

  private handleVisible = () => {
    if (document.visibilityState !== 'visible' || this.stopped) return;
    // Background tabs throttle timers; check the link as soon as we are looked at again.
    if (this.state.status === 'waiting') this.reconnectNow();
    else if (this.ws?.readyState === WebSocket.OPEN) this.ping(this.generation);
  };
}

function parseWith<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }) {
  return (data: string): T | null => {
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return null;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      if (import.meta.env.DEV) console.warn('dropped a frame that does not match the protocol', json);
      return null;
    }
    return parsed.data;
  };
}

/** Parses a room frame with the shared schema; malformed or unknown frames are dropped. */
export const parseServerFrame = parseWith<ServerFrame>(serverFrameSchema);
export const parseInboxFrame = parseWith<InboxFrame>(inboxFrameSchema);

export type RoomSocket = ReconnectingSocket<ServerFrame, ClientFrame>;
export type InboxSocket = ReconnectingSocket<InboxFrame, InboxClientFrame>;
/** What the inbox's user sees: ticket answers are taken by room-tickets.ts. */
export type InboxEvent = Exclude<InboxFrame, { type: 'ticket' }>;

type Handlers<In> = Pick<SocketOptions<In>, 'onFrame' | 'onState' | 'onOpen' | 'onSessionEnded'>;

/**
 * `/ws/rooms/:id?ticket=…&after=<seq>`: `after` asks the room to replay everything after that
 * seq (history frames, then `synced`) before live frames. `after()` is read at every attempt.
 */
export function createRoomSocket(
  roomId: string,
  before: () => Promise<{ after: number | undefined }>,
  handlers: Handlers<ServerFrame>,
): RoomSocket {
  // Delivery reports (`received`) tell the room we keep up; a reader that never sends them is closed as behind.
  let report = deliveryReporter();
  const socket: RoomSocket = new ReconnectingSocket<ServerFrame, ClientFrame>({
    async connectUrl() {
      const [{ after }, ticket] = await Promise.all([before(), roomTickets.ticketFor(roomId)]);
      return socketUrl(`/ws/rooms/${encodeURIComponent(roomId)}`, { ticket, after });
    },
    parse: parseServerFrame,
    ...handlers,
    onOpen: () => {
      report = deliveryReporter();
      handlers.onOpen?.();
    },
    onFrame: (frame) => {
      handlers.onFrame(frame);
      const due = report(frame);
      if (due) socket.send(due);
    },
  });
  return socket;
}

/**
 * `/ws/inbox?ticket=…`: my notifications from every room I am not looking at. Once live
 * (`inbox_ready`) it also mints the tickets of room sockets (room-tickets.ts).
 */
export function createInboxSocket(handlers: Handlers<InboxEvent>): InboxSocket {
  const socket: InboxSocket = new ReconnectingSocket<InboxFrame, InboxClientFrame>({
    async connectUrl() {
      const { ticket } = await api.inboxTicket();
      return socketUrl('/ws/inbox', { ticket });
    },
    parse: parseInboxFrame,
    notMemberText: 'Notifications are not available.',
    ...handlers,
    onFrame(frame) {
      if (roomTickets.answer(frame)) return;
      if (frame.type === 'inbox_ready') roomTickets.inboxLive((out) => socket.send(out));
      handlers.onFrame(frame as InboxEvent);
    },
    onState(state) {
      if (state.status !== 'open') roomTickets.inboxLive(null);
      handlers.onState(state);
    },
  });
  return socket;
}
