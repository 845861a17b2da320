/**
 * A project-owned PostgreSQL cluster under .data/postgres, on its own port and
 * bound to 127.0.0.1, so development and tests never depend on (or disturb) a
 * system PostgreSQL. The cluster is kept between runs; starting it again is fast.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { dataDir as defaultDataDir } from './paths';
import { freePort, isPortFree } from './free-port';
import { findPgBinaries, type PgBinaries } from './pg-binaries';
import { postgresUser, runPgTool, runningAsRoot, shellQuote } from './run-command';

export const DEFAULT_LOCAL_PG_PORT = 54329;

export interface LocalPostgresOptions {
  /**
   * TCP port on 127.0.0.1; default env PGPORT_LOCAL. Without either, a running
   * cluster keeps its port, a new start takes 54329 or, if taken, a free port.
   */
  port?: number;
  /** Database to create if missing; default `edge_chat`. */
  database?: string;
  /** Parent of the cluster directory; default <project>/.data. */
  dataDir?: string;
  log?: (message: string) => void;
}

export interface LocalPostgres {
  /** postgres://postgres@127.0.0.1:PORT/DATABASE */
  url: string;
  /** Same server, `postgres` maintenance database: for CREATE/DROP DATABASE. */
  adminUrl: string;
  host: string;
  port: number;
  database: string;
  /** True if this call started the server (it was not running). */
  startedNow: boolean;
  /** The cluster's data directory (one per binary source: `postgres` or `postgres-npm`). */
  pgdata: string;
  /** Fast shutdown of the cluster (its data stays). */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

/** The port asked for explicitly (option, else env PGPORT_LOCAL), or undefined for "default". */
function requestedPort(option?: number): number | undefined {
  const raw = option ?? (process.env.PGPORT_LOCAL ? Number(process.env.PGPORT_LOCAL) : undefined);
  if (raw !== undefined && (!Number.isInteger(raw) || raw <= 0 || raw > 65535)) {
    throw new Error(`Invalid local PostgreSQL port "${process.env.PGPORT_LOCAL ?? option}": set PGPORT_LOCAL to a number 1-65535`);
  }
  return raw;
}

/**
 * Port to start on: the requested one (which must be free), else 54329, else -
 * when another checkout's cluster or anything else holds 54329 - a free one.
 */
async function choosePort(requested: number | undefined, log: (m: string) => void): Promise<number> {
  if (requested !== undefined) {
    if (await isPortFree(requested)) return requested;
    throw new Error(`Port ${requested} (PGPORT_LOCAL) is taken by another program: set PGPORT_LOCAL to a free port, or unset it`);
  }
  if (await isPortFree(DEFAULT_LOCAL_PG_PORT)) return DEFAULT_LOCAL_PG_PORT;
  const port = await freePort();
  log(`port ${DEFAULT_LOCAL_PG_PORT} is taken by another program; using ${port} (set PGPORT_LOCAL to choose)`);
  return port;
}

/**
 * As root the server runs as `postgres`, which must be able to reach the data
 * directory. If the checkout sits somewhere it cannot (e.g. under /root), fall
 * back to a per-checkout directory under /var/tmp rather than chmod-ing parents.
 */
function chooseBaseDir(requested: string, log: (m: string) => void): string {
  fs.mkdirSync(requested, { recursive: true });
  // `test -x` as postgres fails if any parent directory is closed to it.
  if (!runningAsRoot || runPgTool('test', ['-x', requested], '/').code === 0) return requested;
  const fallback = path.join('/var/tmp', `edge-chat-${createHash('sha1').update(requested).digest('hex').slice(0, 10)}`);
  log(`The postgres OS user cannot reach ${requested}; keeping the local cluster in ${fallback} instead`);
  fs.mkdirSync(fallback, { recursive: true, mode: 0o755 });
  return fallback;
}

function prepareDir(dir: string, mode: number): void {
  fs.mkdirSync(dir, { recursive: true, mode });
  fs.chmodSync(dir, mode); // initdb insists on 0700 (or 0750) for the data directory
  if (runningAsRoot) {
    const { uid, gid } = postgresUser();
    if (fs.statSync(dir).uid !== uid) fs.chownSync(dir, uid, gid);
  }
}

function binaryMajor(binDir: string): string {
  const out = runPgTool(path.join(binDir, 'postgres'), ['--version'], '/').stdout; // "postgres (PostgreSQL) 15.8 (...)"
  return /(\d+)(?:\.\d+)?/.exec(out)?.[1] ?? '?';
}

function initCluster(binDir: string, pgdata: string, runDir: string): void {
  const versionFile = path.join(pgdata, 'PG_VERSION');
  if (fs.existsSync(versionFile)) {
    const clusterMajor = fs.readFileSync(versionFile, 'utf8').trim();
    const binMajor = binaryMajor(binDir);
    if (clusterMajor !== binMajor) {
      throw new Error(
        `${pgdata} was created by PostgreSQL ${clusterMajor} but the binaries in ${binDir} are ${binMajor}: ` +
          `delete ${pgdata} (loses local dev data), or install postgresql-${clusterMajor}`,
      );
    }
    return;
  }
  const res = runPgTool(
    path.join(binDir, 'initdb'),
    ['-D', pgdata, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-instructions'],
    runDir,
  );
  if (res.code !== 0) {
    throw new Error(`initdb failed for ${pgdata}: ${res.stderr.trim() || res.stdout.trim()}\nFix: delete ${pgdata} and try again`);
  }
}

/** Port the running cluster listens on (4th line of postmaster.pid), or undefined if not running. */
function runningPort(binDir: string, pgdata: string, runDir: string): number | undefined {
  if (runPgTool(path.join(binDir, 'pg_ctl'), ['-D', pgdata, 'status'], runDir).code !== 0) return undefined;
  const lines = fs.readFileSync(path.join(pgdata, 'postmaster.pid'), 'utf8').split('\n');
  return Number(lines[3]);
}

function startCluster(binDir: string, pgdata: string, runDir: string, port: number): void {
  const logFile = path.join(runDir, 'postgres.log');
  // listen on loopback only; socket in runDir, not /var/run (may not exist or be writable).
  // Production durability (synchronous_commit and fsync at their defaults): a commit the
  // database acknowledged survives a crash here too, so tests and benchmarks see the real cost.
  const serverOptions = ['-c', 'listen_addresses=127.0.0.1', '-p', String(port), '-k', runDir]
    .map(shellQuote)
    .join(' ');
  const res = runPgTool(
    path.join(binDir, 'pg_ctl'),
    ['-D', pgdata, '-l', logFile, '-w', '-t', '60', '-o', serverOptions, 'start'],
    runDir,
  );
  if (res.code === 0) return;
  // A concurrent `npm start` / `npm test` may have started it a moment ago.
  if (runningPort(binDir, pgdata, runDir) === port) return;
  const logTail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
  const hint = /could not bind|address already in use/i.test(logTail)
    ? `port ${port} is taken by another program: set PGPORT_LOCAL to a free port`
    : /lock file .* already exists/i.test(logTail)
      ? `a stale lock file: make sure no postgres runs on ${pgdata}, then delete ${path.join(pgdata, 'postmaster.pid')}`
      : `see ${logFile}`;
  throw new Error(`PostgreSQL in ${pgdata} failed to start: ${hint}\n${res.stderr.trim()}\n${logTail}`);
}

async function waitForConnections(adminUrl: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: adminUrl });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`PostgreSQL at ${adminUrl} did not accept connections: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function createDatabaseIfMissing(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, async (client) => {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (rowCount) return;
    try {
      await client.query(`create database ${quoteIdent(name)}`);
    } catch (err) {
      if ((err as { code?: string }).code !== '42P04') throw err; // created concurrently: fine
    }
  });
}

/** The URL of `database` on the same server as `url`. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

interface Cluster {
  binDir: string;
  source: PgBinaries['source'];
  pgdata: string;
  runDir: string; // unix socket + server log
}

/**
 * As root the server runs as `postgres`, which must be able to execute the
 * binaries. npm's copy sits in the checkout's node_modules; if that is closed
 * to it (a checkout under /root), use a world-readable copy under /var/tmp.
 */
function reachableBinDir({ binDir, source }: PgBinaries, log: (m: string) => void): string {
  if (!runningAsRoot || source === 'system') return binDir;
  if (runPgTool('test', ['-x', path.join(binDir, 'postgres')], '/').code === 0) return binDir;
  const nativeDir = path.dirname(binDir);
  const { name, version } = JSON.parse(fs.readFileSync(path.join(nativeDir, '..', 'package.json'), 'utf8')) as { name: string; version: string };
  const copy = path.join('/var/tmp', `edge-chat-${name.replace(/^@/, '').replace(/\W+/g, '-')}-${version}`);
  if (!fs.existsSync(path.join(copy, 'bin', 'postgres'))) {
    log(`the postgres OS user cannot reach ${binDir}; copying PostgreSQL ${version} to ${copy}`);
    const partial = `${copy}.${process.pid}`;
    fs.cpSync(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
    // Directories open to everyone (files keep npm's modes: 0644, binaries 0755).
    for (const entry of [partial, ...fs.readdirSync(partial, { recursive: true, encoding: 'utf8' }).map((f) => path.join(partial, f))]) {
      if (fs.lstatSync(entry).isDirectory()) fs.chmodSync(entry, 0o755);
    }
    fs.rmSync(copy, { recursive: true, force: true });
    fs.renameSync(partial, copy);
  }
  return path.join(copy, 'bin');
}

function locateCluster(dataDir: string | undefined, log: (m: string) => void): Cluster {
  if (runningAsRoot) postgresUser(log); // creates the account if the machine has none
  const binaries = findPgBinaries();
  const binDir = reachableBinDir(binaries, log);
  const base = chooseBaseDir(dataDir ?? defaultDataDir, log);
  // Each source has its own cluster: a data directory only opens with the major version that made it.
  const name = binaries.source === 'npm' ? 'postgres-npm' : 'postgres';
  return { binDir, source: binaries.source, pgdata: path.join(base, name), runDir: path.join(base, `${name}-run`) };
}

function stopCluster({ binDir, pgdata, runDir }: Cluster): void {
  const res = runPgTool(path.join(binDir, 'pg_ctl'), ['-D', pgdata, '-m', 'fast', '-w', 'stop'], runDir);
  if (res.code !== 0 && runningPort(binDir, pgdata, runDir) !== undefined) {
    throw new Error(`pg_ctl stop failed for ${pgdata}: ${res.stderr.trim()}`);
  }
}

/** Starts (or reuses) the project's cluster and makes sure `database` exists. */
export async function ensureLocalPostgres(opts: LocalPostgresOptions = {}): Promise<LocalPostgres> {
  const log = opts.log ?? ((m: string) => console.log(`[postgres] ${m}`));
  const requested = requestedPort(opts.port);
  const database = opts.database ?? 'edge_chat';
  const cluster = locateCluster(opts.dataDir, log);
  const { binDir, pgdata, runDir, source } = cluster;
  prepareDir(pgdata, 0o700);
  prepareDir(runDir, 0o755);

  if (!fs.existsSync(path.join(pgdata, 'PG_VERSION'))) log(`initialising a new cluster in ${pgdata}`);
  initCluster(binDir, pgdata, runDir);

  // Reuse a running cluster unless a different port was asked for explicitly.
  let port = runningPort(binDir, pgdata, runDir);
  const startedNow = port === undefined || (requested !== undefined && port !== requested);
  if (port !== undefined && requested !== undefined && port !== requested) {
    log(`cluster runs on port ${port}, restarting it on ${requested}`);
    stopCluster(cluster);
    port = undefined;
  }
  if (port === undefined) {
    port = await choosePort(requested, log);
    log(`starting on ${HOST}:${port} (${source === 'npm' ? 'PostgreSQL from npm' : 'system PostgreSQL'}, ${binDir})`);
    startCluster(binDir, pgdata, runDir, port);
  }

  const adminUrl = `postgres://postgres@${HOST}:${port}/postgres`;
  await waitForConnections(adminUrl);
  await createDatabaseIfMissing(adminUrl, database);

  return {
    url: withDatabase(adminUrl, database),
    adminUrl,
    host: HOST,
    port,
    database,
    startedNow,
    pgdata,
    async stop() {
      stopCluster(cluster);
    },
  };
}

/** Stops the project's cluster if it is running; returns whether it was. */
export function stopLocalPostgres(opts: Pick<LocalPostgresOptions, 'dataDir' | 'log'> = {}): boolean {
  const cluster = locateCluster(opts.dataDir, opts.log ?? console.log);
  if (!fs.existsSync(path.join(cluster.pgdata, 'PG_VERSION'))) return false;
  if (runningPort(cluster.binDir, cluster.pgdata, cluster.runDir) === undefined) return false;
  stopCluster(cluster);
  return true;
}

/** Drops `name` (forcing off any sessions) if it exists. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const connectUrl = decodeURIComponent(new URL(adminUrl).pathname.slice(1)) === name ? withDatabase(adminUrl, 'postgres') : adminUrl;
  await withAdmin(connectUrl, (client) => client.query(`drop database if exists ${quoteIdent(name)} with (force)`));
}

/** Names of the databases on the server that start with `prefix`. */
export async function databasesStartingWith(adminUrl: string, prefix: string): Promise<string[]> {
  return withAdmin(adminUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>('select datname from pg_database where starts_with(datname, $1)', [prefix]);
    return rows.map((r) => r.datname);
  });
}

/**
 * Drops (forcing off any sessions) and re-creates `name` on the server of
 * `adminUrl`; returns the new database's URL. For tests that want a clean slate.
 */
export async function createFreshDatabase(adminUrl: string, name: string): Promise<string> {
  // Cannot drop the database we are connected to: administer from `postgres` then.
  const connectUrl = decodeURIComponent(new URL(adminUrl).pathname.slice(1)) === name ? withDatabase(adminUrl, 'postgres') : adminUrl;
  await withAdmin(connectUrl, async (client) => {
    await client.query(`drop database if exists ${quoteIdent(name)} with (force)`);
    await client.query(`create database ${quoteIdent(name)}`);
  });
  return withDatabase(adminUrl, name);
}
