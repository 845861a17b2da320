/**
 * WebSocket-to-TCP relay so @neondatabase/serverless (Postgres over WebSocket)
 * can reach an ordinary local PostgreSQL, like Neon's own wsproxy does.
 *
 * The driver opens `ws://<PG_RELAY_URL>?address=<host>:<port>` (see
 * drizzle/connection.ts, neonConfig.wsProxy); each WebSocket becomes one TCP
 * connection to that address, bytes piped unchanged both ways. Only addresses
 * in `allow` are dialled, so the relay cannot be used to reach anything else.
 * `POST <path>/sql?address=host:port` is the stand-in for Neon's HTTP query
 * endpoint, over connections the relay keeps open (pg-http-sql.ts).
 */
import http from 'node:http';
import net from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { HttpSqlEndpoint } from './pg-http-sql';

export interface PgRelayOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Targets that may be dialled, as "host:port", e.g. ["127.0.0.1:54329"]. */
  allow: string[];
  /** Path prefix the driver uses; default "/v1". */
  path?: string;
  log?: (message: string) => void;
}

export interface PgRelay {
  /** host:port/path without protocol, the value of PG_RELAY_URL. */
  relayUrl: string;
  port: number;
  close(): Promise<void>;
}

// WebSocket close codes (RFC 6455): policy violation, internal error.
const POLICY = 1008;
const UPSTREAM_FAILED = 1011;
// Pause reading Postgres while this much is queued towards the WebSocket.
const HIGH_WATER = 1 << 20;

/** Close reasons are limited to 123 bytes. */
function reason(text: string): string {
  return Buffer.from(text).subarray(0, 123).toString();
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function relayOne(ws: WebSocket, host: string, port: number): void {
  const tcp = net.connect({ host, port });
  tcp.setNoDelay(true);
  let connected = false;

  // Writes before 'connect' are buffered by the socket, so nothing is lost.
  ws.on('message', (data) => {
    if (!tcp.destroyed) tcp.write(toBuffer(data));
  });
  ws.on('close', () => tcp.end());
  ws.on('error', () => tcp.destroy());

  tcp.on('connect', () => {
    connected = true;
  });
  tcp.on('data', (chunk) => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(chunk, { binary: true }, () => {
      if (tcp.isPaused() && ws.bufferedAmount < HIGH_WATER) tcp.resume();
    });
    if (ws.bufferedAmount >= HIGH_WATER) tcp.pause();
  });
  tcp.on('error', (err) => {
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) {
      ws.close(UPSTREAM_FAILED, reason(connected ? `upstream error: ${err.message}` : `cannot reach ${host}:${port}: ${err.message}`));
    }
  });
  tcp.on('close', () => {
    if (ws.readyState === ws.OPEN) ws.close(1000, 'upstream closed');
  });
}

/** "host:port" → parts, or undefined if malformed. IPv6 hosts may be bracketed. */
function parseAddress(address: string): { host: string; port: number } | undefined {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(address);
  if (!match) return undefined;
  const port = Number(match[2]);
  return port > 0 && port < 65536 ? { host: match[1]!, port } : undefined;
}

/** "host:port" of a Postgres URL: the allow-list entry for it, as the neon driver will ask. */
export function hostPort(databaseUrl: string): string {
  const { hostname, port } = new URL(databaseUrl);
  return `${hostname}:${port || 5432}`;
}

export async function startPgRelay(opts: PgRelayOptions): Promise<PgRelay> {
  const basePath = opts.path ?? '/v1';
  const log = opts.log ?? (() => {});
  const allowed = new Set(opts.allow.map((a) => a.toLowerCase()));
  const sql = new HttpSqlEndpoint(allowed);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://relay');
    if (url.pathname === `${basePath}/sql`) {
      void sql.handle(req, res, url.searchParams.get('address') ?? '');
      return;
    }
    res.writeHead(426, { 'content-type': 'text/plain' }).end(`WebSocket upgrade required (or POST ${basePath}/sql)\n`);
  });
  const wss = new WebSocketServer({ server, perMessageDeflate: false });

  wss.on('connection', (ws, req) => {
    ws.on('error', () => {}); // handled per connection below; never crash the relay
    const url = new URL(req.url ?? '/', 'http://relay');
    const address = url.searchParams.get('address') ?? '';
    if (url.pathname !== basePath) {
      ws.close(POLICY, reason(`unknown path ${url.pathname}: use ${basePath}?address=host:port`));
      return;
    }
    const target = parseAddress(address);
    if (!target || !allowed.has(address.toLowerCase())) {
      log(`refused ${address || '(no address)'}`);
      ws.close(POLICY, reason(`address not allowed: ${address || '(none)'}; allowed: ${[...allowed].join(', ')}`));
      return;
    }
    relayOne(ws, target.host, target.port);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;

  return {
    relayUrl: `127.0.0.1:${port}${basePath}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate(); // its 'close' ends the TCP side
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => sql.close()),
  };
}
