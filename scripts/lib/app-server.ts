/**
 * Runs the real app (`wrangler dev`) for end-to-end tests: a free port, its own
 * persistence directory, only the variables given (the developer's .dev.vars is
 * not read), ready once GET /api/health answers 200. The Worker is bundled and
 * its assets copied once up front (served with --no-bundle / --assets), so edits
 * or rebuilds in the tree during a run change nothing. restart() keeps the port, the bundle and the persisted Durable Object
 * state, as a redeploy of the same version would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { freePort } from './free-port';
import { MarkerScan } from './marker-scan';
import { projectRoot, wranglerBin } from './paths';
import { offlineWranglerEnv } from './wrangler-env';
import { bundleWorker } from './worker-bundle';

export interface StartAppOptions {
  /** Port on 127.0.0.1; default a free one. */
  port?: number;
  /** Worker variables, passed as `--var K:V`. */
  vars: Record<string, string>;
  /** More environment for wrangler itself, e.g. MINIFLARE_WORKERD_PATH for a test's stand-in runtime. */
  env?: Record<string, string>;
  /** Local state (Durable Objects, caches); default a new temp dir removed by stop(). */
  persistTo?: string;
  /** Default <project>/wrangler.toml. */
  configPath?: string;
  /** wrangler's --log-level; default "warn". */
  logLevel?: 'debug' | 'info' | 'log' | 'warn' | 'error' | 'none';
  /** How long to wait for /api/health; default 120 s (first bundle on 2 cores is slow). */
  readyTimeoutMs?: number;
  /** /api/health statuses that mean "up"; default [200] (a test of a misconfigured app adds 503). */
  readyStatuses?: number[];
  /** Also copy wrangler's output to this process's stderr; default env APP_LOGS=1. */
  echoLogs?: boolean;
  /** Serve a bundle made at start (default) rather than live, watched sources. */
  snapshot?: boolean;
  /**
   * Static assets to snapshot alongside the bundle (wrangler would reload on every
   * rebuild of them); default web/build/client with the project's own config.
   */
  assetsDir?: string;
  /**
   * A string the tests put in every message, file name and email they send: wrangler's
   * output (the app's logs) is watched for it across restarts; see privacyReport().
   */
  privateMarker?: string;
}

export interface AppServer {
  /** http://127.0.0.1:PORT (no trailing slash) */
  baseUrl: string;
  /** The app's own origin, same as baseUrl. */
  origin: string;
  port: number;
  persistTo: string;
  /** Stops wrangler and restarts it on the same port with the same state. */
  restart(): Promise<void>;
  /** Stops for good; deletes the persist dir if startApp created it. */
  stop(): Promise<void>;
  /** With `privateMarker`: why the app's output is not clean (lines that carried it), or undefined. */
  privacyReport(): string | undefined;
  /** The last lines wrangler printed (up to 2,000), across restarts: what a test can check the app logged. */
  recentOutput(): string[];
  /**
   * wrangler's temporary directory (its TMPDIR): the simulated `send_email` binding writes each
   * message it is given to `miniflare-<random>/files/email/<uuid>.eml` under it (tests/support/mailbox.ts).
   */
  mailDir: string;
}

const RECENT_LINES = 2000;
/** miniflare's ERR_RUNTIME_FAILURE: workerd exited before it listened (not a port in use, which says so). */
const RUNTIME_START_FAILED = /The Workers runtime failed to start/;

const running = new Set<ChildProcess>();
// Last resort if the test process exits without calling stop(): never leave wrangler behind.
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal); // detached: the pid is also the group id (wrangler + workerd)
  } catch {
    // ESRCH: already gone
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// unref: a pending grace-period timer must not keep the test process alive.
const graceTimer = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

const stopping = new WeakSet<ChildProcess>();

async function stopChild(child: ChildProcess): Promise<void> {
  stopping.add(child);
  const exited = new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));
  killGroup(child, 'SIGTERM');
  await Promise.race([exited, graceTimer(10_000)]);
  // workerd may outlive wrangler briefly; the port is only free once the whole group is gone.
  killGroup(child, 'SIGKILL');
  for (let i = 0; i < 100 && groupAlive(child.pid!); i++) await sleep(50);
  running.delete(child);
}

/** Keeps the last lines of wrangler's output for error messages. */
function outputTail(child: ChildProcess, echo: boolean, scan?: MarkerScan, recent?: string[]): () => string {
  const lines: string[] = [];
  const collect = (chunk: Buffer) => {
    if (echo) process.stderr.write(chunk);
    const text = stripVTControlCharacters(chunk.toString());
    scan?.feed(text);
    const split = text.split('\n');
    if (recent) {
      recent.push(...split);
      if (recent.length > RECENT_LINES) recent.splice(0, recent.length - RECENT_LINES);
    }
    lines.push(...split);
    if (lines.length > 80) lines.splice(0, lines.length - 80);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  return () => lines.join('\n').trim();
}

/**
 * The end of wrangler's debug log. At --log-level warn wrangler prints none of workerd's own
 * lines (it files them at level "log"), so why the runtime stopped is only in this file. Entries
 * are cut to 1,000 characters: on a failure wrangler files its whole config, the bundle included.
 */
function debugLogTail(file: string, maxEntries = 30): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return `wrangler's debug log ${file} could not be read: ${(err as Error).message}`;
  }
  // Each entry: "--- <ISO time> <level>\n<message>\n---".
  const entries = text.split(/\n(?=--- \d{4}-\d\d-\d\dT)/).map((entry) => entry.trim().replace(/\n---$/, ''));
  const last = entries.filter(Boolean).slice(-maxEntries).map((entry) => (entry.length > 1000 ? `${entry.slice(0, 1000)} [… cut]` : entry));
  return `wrangler's debug log (${file}), last ${last.length} entries:\n${last.join('\n')}`;
}

async function waitForHealth(baseUrl: string, child: ChildProcess, tail: () => string, timeoutMs: number, readyStatuses = [200]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`wrangler dev exited (${child.exitCode ?? child.signalCode}) before ${baseUrl}/api/health answered:\n${tail()}`);
    }
    // wrangler dev keeps running after a failed bundle, waiting for edits: don't wait out the timeout.
    if (/Build failed/.test(tail())) throw new Error(`wrangler dev could not bundle the Worker:\n${tail()}`);
    try {
      const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(5_000) });
      if (readyStatuses.includes(res.status)) return;
      last = `HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`;
    } catch (err) {
      last = String((err as Error).cause ?? err);
    }
    await sleep(250);
  }
  throw new Error(`wrangler dev did not answer 200 on ${baseUrl}/api/health within ${timeoutMs} ms (last: ${last}):\n${tail()}`);
}

/** Bundles the Worker and copies its static assets into persistTo; returns the `wrangler dev` arguments for them. */
async function snapshotArgs(opts: StartAppOptions, configPath: string, persistTo: string): Promise<string[]> {
  const args = [await bundleWorker(configPath, path.join(persistTo, 'bundle')), '--no-bundle'];
  const assets = opts.assetsDir ?? (opts.configPath ? undefined : path.join(projectRoot, 'web/build/client'));
  if (assets) {
    const copy = path.join(persistTo, 'assets');
    fs.rmSync(copy, { recursive: true, force: true });
    fs.cpSync(assets, copy, { recursive: true });
    args.push('--assets', copy);
  }
  return args;
}

export async function startApp(opts: StartAppOptions): Promise<AppServer> {
  const port = opts.port ?? (await freePort());
  const ownsPersistDir = !opts.persistTo;
  const persistTo = opts.persistTo ?? fs.mkdtempSync(path.join(os.tmpdir(), 'edge-chat-app-'));
  fs.mkdirSync(persistTo, { recursive: true });
  // Passing any --env-file makes wrangler skip .dev.vars: tests see only `vars`.
  const emptyEnvFile = path.join(persistTo, 'no-dev-vars.env');
  fs.writeFileSync(emptyEnvFile, '');
  const mailDir = path.join(persistTo, 'tmp');
  fs.mkdirSync(mailDir, { recursive: true });
  const baseUrl = `http://127.0.0.1:${port}`;
  const echo = opts.echoLogs ?? process.env.APP_LOGS === '1';
  const configPath = opts.configPath ?? path.join(projectRoot, 'wrangler.toml');
  const entry = opts.snapshot === false ? [] : await snapshotArgs(opts, configPath, persistTo);
  let child: ChildProcess | undefined;
  const scan = opts.privateMarker ? new MarkerScan(opts.privateMarker) : undefined;
  const recent: string[] = [];
  // Its own file, not one in ~/.config shared by every wrangler: a failure can quote it.
  const debugLog = path.join(persistTo, 'wrangler-debug.log');

  // workerd exiting at startup with nothing said happened at one of some 30 starts in a CI run, and at none of
  // 120 starts here at load 10-12: a second try, with the first one's log printed, not a failed test.
  const launch = async () => {
    try {
      await launchOnce();
    } catch (err) {
      if (!RUNTIME_START_FAILED.test((err as Error).message)) throw err;
      process.stderr.write(`\n[app] the Workers runtime did not start on ${baseUrl}; starting it once more. The first try:\n${(err as Error).message}\n`);
      await launchOnce();
    }
  };

  const launchOnce = async () => {
    const args = [
      'dev',
      ...entry,
      '--config', configPath,
      '--ip', '127.0.0.1',
      '--port', String(port),
      '--inspector-port', String(await freePort()), // a fixed default (9229) would clash between runs
      '--persist-to', persistTo,
      '--env-file', emptyEnvFile,
      '--log-level', opts.logLevel ?? 'warn',
      '--show-interactive-dev-session=false',
      ...Object.entries(opts.vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
    ];
    const current = spawn(wranglerBin, args, {
      cwd: projectRoot,
      detached: true, // own process group, so stop() reaches workerd too
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...offlineWranglerEnv(), NO_COLOR: '1', TMPDIR: mailDir, WRANGLER_LOG_PATH: debugLog, ...opts.env },
    });
    child = current;
    running.add(current);
    const tail = outputTail(current, echo, scan, recent);
    try {
      await waitForHealth(baseUrl, current, tail, opts.readyTimeoutMs ?? 120_000, opts.readyStatuses);
    } catch (err) {
      await stopChild(current);
      (err as Error).message += `\n${debugLogTail(debugLog)}`;
      throw err;
    }
    // Tests would only see ECONNREFUSED: say why the app went away.
    current.once('exit', (code, signal) => {
      if (!stopping.has(current)) {
        process.stderr.write(`\n[app] wrangler dev on ${baseUrl} exited unexpectedly (${code ?? signal}):\n${tail()}\n${debugLogTail(debugLog)}\n`);
      }
    });
  };

  await launch();
  return {
    baseUrl,
    origin: baseUrl,
    port,
    persistTo,
    mailDir,
    async restart() {
      if (child) await stopChild(child);
      await launch();
    },
    async stop() {
      if (child) await stopChild(child);
      if (ownsPersistDir) fs.rmSync(persistTo, { recursive: true, force: true });
    },
    privacyReport() {
      return scan?.report(`wrangler dev on ${baseUrl}`);
    },
    recentOutput() {
      return [...recent];
    },
  };
}
