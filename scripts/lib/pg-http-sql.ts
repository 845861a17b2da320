/**
 * The local stand-in for Neon's HTTP query endpoint (`POST /sql`), served by the
 * relay beside its WebSocket path: the Worker's single statements arrive as one
 * fetch each and run on connections this process keeps open, which is the shape
 * of production (Neon's proxy holds warm connections to the compute; the
 * Worker's fetches ride pooled outbound connections). See docs/architecture.md.
 *
 * Only what @neondatabase/serverless's `Pool.query` via fetch sends is spoken: one
 * `{query, params}` per request, `Neon-Array-Mode` and `Neon-Raw-Text-Output`
 * (values go back as Postgres text, parsed by the driver), errors as HTTP 400 with
 * the Postgres error's fields. The target comes from `?address=host:port`, which
 * must be on the relay's allow-list, as for WebSockets; user, password and database
 * from the `Neon-Connection-String` header.
 */
import type http from 'node:http';
import pg from 'pg';

/** Connections kept per database and user: like a pooler, far fewer than Postgres allows. */
const POOL_SIZE = 10;
/** A dead or frozen server must not hold a pooled connection (or a request) for ever. */
const CONNECT_TIMEOUT_MS = 10_000;
const QUERY_TIMEOUT_MS = 30_000;
const MAX_BODY_BYTES = 16 << 20;
/** The fields of a Postgres error the driver copies onto its own error (`errorFields` there). */
const ERROR_FIELDS = [
  'severity', 'code', 'detail', 'hint', 'position', 'internalPosition', 'internalQuery', 'where',
  'schema', 'table', 'column', 'dataType', 'constraint', 'file', 'line', 'routine',
] as const;
/** Values go back exactly as Postgres wrote them; the driver parses them by type. */
const rawText = { getTypeParser: () => (value: string) => value };

export class HttpSqlEndpoint {
  private readonly pools = new Map<string, pg.Pool>();

  constructor(private readonly allowed: Set<string>) {}

  /** Answers one request; the caller has matched the path. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse, address: string): Promise<void> {
    if (req.method !== 'POST') return send(res, 405, { message: 'POST a query' });
    if (!this.allowed.has(address.toLowerCase())) return send(res, 403, { message: `address not allowed: ${address || '(none)'}` });
    let body: { query?: unknown; params?: unknown };
    try {
      body = JSON.parse(await readBody(req)) as typeof body;
    } catch {
      return send(res, 400, { message: 'the body must be JSON: {"query": ..., "params": [...]}' });
    }
    if (typeof body.query !== 'string' || (body.params !== undefined && !Array.isArray(body.params))) {
      return send(res, 400, { message: 'one {"query": string, "params": array} per request (batches are not served here)' });
    }
    let pool: pg.Pool;
    try {
      pool = this.poolFor(String(req.headers['neon-connection-string'] ?? ''), address);
    } catch (err) {
      return send(res, 400, { message: (err as Error).message });
    }
    try {
      const result = await pool.query({ text: body.query, values: body.params ?? [], rowMode: 'array', types: rawText });
      send(res, 200, {
        command: result.command,
        rowCount: result.rowCount,
        rows: result.rows,
        fields: result.fields,
        rowAsArray: true,
      });
    } catch (err) {
      const e = err as Record<string, unknown>;
      // A Postgres error (bad query, constraint, shutdown): its fields, as Neon's endpoint sends them.
      if (typeof e.code === 'string' && typeof e.severity === 'string') {
        return send(res, 400, Object.fromEntries([['message', e.message], ...ERROR_FIELDS.map((f) => [f, e[f]])]));
      }
      // The database could not be reached or stopped answering.
      send(res, 503, { message: `database unavailable: ${String(e.message ?? err)}` });
    }
  }

  private poolFor(connectionString: string, address: string): pg.Pool {
    const key = `${address}\n${connectionString}`;
    let pool = this.pools.get(key);
    if (!pool) {
      const url = new URL(connectionString);
      if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') throw new Error('Neon-Connection-String must be a postgresql:// URL');
      url.host = address;
      pool = new pg.Pool({
        connectionString: url.toString(),
        max: POOL_SIZE,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        query_timeout: QUERY_TIMEOUT_MS,
        // Kept open for as long as the relay runs: reuse is the point.
        idleTimeoutMillis: 0,
      });
      pool.on('error', () => {}); // an idle connection dropped (server restart, fault tests): the pool forgets it
      this.pools.set(key, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(pools.map((p) => p.end()));
  }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
