/**
 * A TCP proxy to put in front of PostgreSQL (between the WebSocket relay and the
 * server) that injects the faults a database far away or in trouble shows:
 * - `delayMs`: one-way latency, added to every chunk in both directions (order kept);
 * - `freeze()` / `thaw()`: a stalled server: bytes are held, not forwarded, until thawed;
 * - `cutAfterCommit()`: the next COMMIT a client sends reaches Postgres, but the
 *   connection is dropped before Postgres's reply gets back: the client cannot know
 *   whether its transaction committed (it did);
 * - `killAll()`: every connection dropped at once, as a lost network path;
 * - `goDown()` / `comeBack()`: Postgres unreachable, as behind a network partition:
 *   every open connection is dropped, new ones are accepted and then never answered
 *   (the client's connect times out, as a SYN into the void does) until it comes back.
 * The client → server stream is parsed just enough (frontend messages 'Q' and 'P')
 * to see query texts; a COMMIT inside message content is not a COMMIT.
 */
import net from 'node:net';

export interface FaultProxyOptions {
  /** "host:port" of PostgreSQL. */
  target: string;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Initial one-way delay, ms; default 0. */
  delayMs?: number;
}

export interface CutReport {
  /** The query text that triggered the cut. */
  query: string;
  /** Whether a reply from Postgres arrived (and was dropped) before the cut; false if the cut timed out waiting. */
  replyDropped: boolean;
}

export interface CutOptions {
  /** Which query text triggers the cut; default COMMIT (or END). */
  match?: RegExp;
  /**
   * Which reply proves Postgres processed it (the reply is dropped, then the connection cut);
   * default the COMMIT's CommandComplete, or for a custom `match` the next ReadyForQuery.
   */
  done?: RegExp;
}

export interface FaultProxy {
  /** "127.0.0.1:PORT", to put in a DATABASE_URL and a relay's allow-list. */
  address: string;
  port: number;
  /** One-way delay in ms, each direction; applies to chunks arriving from now on. */
  delayMs: number;
  freeze(): void;
  thaw(): void;
  readonly frozen: boolean;
  /**
   * Arms a cut: the next query text matching `match` (default: COMMIT / END) is forwarded
   * to Postgres, then the connection is dropped before its reply is relayed. Resolves once cut.
   */
  cutAfterCommit(opts?: CutOptions): Promise<CutReport>;
  /** Drops every connection now (both sides destroyed). */
  killAll(): void;
  /** Unreachable from now on: open connections dropped, new ones held unanswered. */
  goDown(): void;
  /** Reachable again: the connections held while down are dropped (their clients dial again). */
  comeBack(): void;
  readonly down: boolean;
  /** Open client connections. */
  readonly connections: number;
  /** Client connections accepted since start (open or not): did anything dial the database? */
  readonly accepted: number;
  /** Every query text seen from clients since start (capped at the last 1000), for diagnosis. */
  readonly recentQueries: readonly string[];
  close(): Promise<void>;
}

const COMMIT = /^\s*(commit|end)\b/i;
// Frontend start-up codes that are followed by another start-up message, not by typed messages.
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
/** The CommandComplete ('C', length, tag, NUL) of a COMMIT: ROLLBACK when the transaction had failed. */
const COMMIT_DONE = /C[\s\S]{4}(COMMIT|ROLLBACK)\0/;
/** ReadyForQuery ('Z', length 5, status): the server finished a query or a Sync. */
const READY_FOR_QUERY = /Z\0\0\0\x05[ITE]/;
/** How long a cut waits for Postgres's reply before dropping anyway. */
const CUT_REPLY_WAIT_MS = 5_000;

/**
 * Incremental parser of the Postgres frontend stream: feed it chunks, get the
 * query texts of the simple ('Q') and extended ('P', Parse) messages they complete.
 * Gives up (returns nothing more) on bytes that are not the protocol, e.g. TLS.
 */
export class FrontendQueryParser {
  private buffer: Buffer = Buffer.alloc(0);
  private startup = true;
  private broken = false;

  feed(chunk: Buffer): string[] {
    if (this.broken) return [];
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const queries: string[] = [];
    for (;;) {
      const headerBytes = this.startup ? 4 : 5;
      if (this.buffer.length < headerBytes) break;
      const length = this.buffer.readInt32BE(this.startup ? 0 : 1);
      if (length < 4 || length > 1 << 30) {
        this.broken = true;
        break;
      }
      const total = length + (this.startup ? 0 : 1);
      if (this.buffer.length < total) break;
      const message = this.buffer.subarray(0, total);
      this.buffer = this.buffer.subarray(total);
      if (this.startup) {
        const code = length >= 8 ? message.readInt32BE(4) : 0;
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) this.startup = false;
        continue;
      }
      const type = String.fromCharCode(message[0]!);
      const body = message.subarray(5);
      if (type === 'Q') queries.push(cString(body, 0));
      else if (type === 'P') queries.push(cString(body, body.indexOf(0) + 1)); // statement name, then the query
    }
    return queries;
  }
}

function cString(buf: Buffer, start: number): string {
  const end = buf.indexOf(0, start);
  return buf.subarray(start, end < 0 ? buf.length : end).toString('utf8');
}

/** One direction of one connection: chunks wait out the delay (and any freeze), in order. */
class DelayedPipe {
  private readonly queue: { chunk: Buffer; releaseAt: number; afterWrite?: () => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastReleaseAt = 0;

  constructor(
    private readonly dest: net.Socket,
    private readonly proxy: { delayMs: number; frozen: boolean },
  ) {}

  push(chunk: Buffer, afterWrite?: () => void): void {
    // Never before an earlier chunk, even if the delay was lowered in between.
    const releaseAt = Math.max(this.lastReleaseAt, Date.now() + this.proxy.delayMs);
    this.lastReleaseAt = releaseAt;
    this.queue.push({ chunk, releaseAt, afterWrite });
    this.pump();
  }

  pump(): void {
    if (this.timer) return;
    while (this.queue.length && !this.proxy.frozen) {
      const head = this.queue[0]!;
      const wait = head.releaseAt - Date.now();
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait);
        return;
      }
      this.queue.shift();
      if (!this.dest.destroyed) this.dest.write(head.chunk);
      head.afterWrite?.();
    }
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
  }
}

interface Connection {
  client: net.Socket;
  server: net.Socket;
  toServer: DelayedPipe;
  toClient: DelayedPipe;
  /** Set while a cut is under way: replies from Postgres go here and are dropped, not relayed. */
  cutting?: (reply: Buffer) => void;
  /** Ends a cut under way if the connection goes first. */
  abortCut?: () => void;
  destroy(): void;
}

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const [host, portText] = [opts.target.slice(0, opts.target.lastIndexOf(':')), opts.target.slice(opts.target.lastIndexOf(':') + 1)];
  const targetPort = Number(portText);
  if (!host || !Number.isInteger(targetPort)) throw new Error(`fault proxy target must be host:port, not ${opts.target}`);

  const state = { delayMs: opts.delayMs ?? 0, frozen: false };
  const connections = new Set<Connection>();
  let accepted = 0;
  const recentQueries: string[] = [];
  let armed: { match: RegExp; done: RegExp; resolve: (r: CutReport) => void } | undefined;
  /** Set while down: client sockets accepted and left unanswered. */
  let unanswered: Set<net.Socket> | undefined;

  const server = net.createServer((client) => {
    accepted += 1;
    if (unanswered) {
      const held = unanswered;
      held.add(client);
      client.on('error', () => {});
      client.on('close', () => held.delete(client));
      return;
    }
    client.setNoDelay(true);
    const upstream = net.connect({ host, port: targetPort });
    upstream.setNoDelay(true);
    const parser = new FrontendQueryParser();
    const conn: Connection = {
      client,
      server: upstream,
      toServer: new DelayedPipe(upstream, state),
      toClient: new DelayedPipe(client, state),
      destroy() {
        const abortCut = conn.abortCut;
        conn.abortCut = undefined;
        abortCut?.();
        conn.toServer.clear();
        conn.toClient.clear();
        client.destroy();
        upstream.destroy();
        connections.delete(conn);
      },
    };
    connections.add(conn);

    client.on('data', (chunk) => {
      const queries = parser.feed(chunk);
      for (const q of queries) {
        recentQueries.push(q);
        if (recentQueries.length > 1000) recentQueries.shift();
      }
      const trigger = armed && queries.find((q) => armed!.match.test(q));
      if (!trigger || conn.cutting) {
        conn.toServer.push(chunk);
        return;
      }
      const { resolve, done } = armed!;
      armed = undefined;
      // From now on nothing more goes either way on this connection.
      client.pause();
      let dropped = '';
      let written = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (replied: boolean) => {
        clearTimeout(timer);
        conn.cutting = undefined;
        conn.abortCut = undefined;
        conn.destroy();
        resolve({ query: trigger, replyDropped: replied });
      };
      conn.abortCut = () => finish(false);
      // Replies (to this chunk or earlier ones) are dropped from now on; the cut comes once
      // Postgres has said how the transaction ended, i.e. it really processed the COMMIT.
      conn.cutting = (reply) => {
        if (!written) return; // a reply to something earlier
        dropped += reply.toString('latin1');
        if (done.test(dropped)) finish(true);
      };
      conn.toServer.push(chunk, () => {
        written = true;
        timer = setTimeout(() => finish(false), CUT_REPLY_WAIT_MS);
      });
    });
    upstream.on('data', (chunk) => {
      if (conn.cutting) return conn.cutting(chunk);
      conn.toClient.push(chunk);
    });
    const end = () => conn.destroy();
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;

  const pumpAll = () => {
    for (const c of connections) {
      c.toServer.pump();
      c.toClient.pump();
    }
  };

  return {
    address: `127.0.0.1:${port}`,
    port,
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(ms: number) {
      if (!(ms >= 0)) throw new Error(`delayMs must be >= 0, not ${ms}`);
      state.delayMs = ms;
    },
    get frozen() {
      return state.frozen;
    },
    freeze() {
      state.frozen = true;
    },
    thaw() {
      state.frozen = false;
      pumpAll();
    },
    cutAfterCommit(cut = {}) {
      if (armed) throw new Error('a cut is already armed');
      const match = cut.match ?? COMMIT;
      const done = cut.done ?? (cut.match ? READY_FOR_QUERY : COMMIT_DONE);
      return new Promise<CutReport>((resolve) => (armed = { match, done, resolve }));
    },
    killAll() {
      for (const c of [...connections]) c.destroy();
    },
    goDown() {
      unanswered ??= new Set();
      for (const c of [...connections]) c.destroy();
    },
    comeBack() {
      const held = unanswered;
      unanswered = undefined;
      for (const client of held ?? []) client.destroy();
    },
    get down() {
      return unanswered !== undefined;
    },
    get connections() {
      return connections.size;
    },
    get accepted() {
      return accepted;
    },
    recentQueries,
    close() {
      for (const client of unanswered ?? []) client.destroy();
      for (const c of [...connections]) c.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
