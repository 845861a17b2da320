/**
 * `npm start`: the whole app locally on http://127.0.0.1:8787 (PORT overrides).
 * - first checks that the port is free (before building or starting anything);
 * - creates .dev.vars on first run (random JWT_SECRET);
 * - DATABASE_URL unset (env and .dev.vars): starts the project's PostgreSQL in
 *   .data/, migrates it and relays the Neon driver's WebSockets to it;
 *   DATABASE_URL set: migrates that database over TCP, no relay;
 * - REALTIME_APP_ID unset (or `standin`): starts the local Realtime stand-in, the SFU of group
 *   calls beyond the mesh (scripts/lib/realtime-standin), and points the app at it;
 * - builds the web app, then runs `wrangler dev` in the foreground.
 * On exit the relay closes; the local PostgreSQL keeps running so the next start
 * and `npm test` are fast (`npm run db:stop` stops it).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { assertDevPortFree, devPort } from './lib/dev-port';
import { ensureDevVars } from './lib/dev-vars';
import { ensureLocalPostgres } from './lib/local-postgres';
import { migrateDatabase } from './lib/migrate';
import { projectRoot, wranglerBin } from './lib/paths';
import { hostPort, startPgRelay, type PgRelay } from './lib/pg-relay';
import { buildWeb } from './lib/web-build';
import { offlineWranglerEnv } from './lib/wrangler-env';
import { spawnRealtimeStandin, type StandinProcess } from './lib/realtime-standin/spawn';

/** REALTIME_APP_ID naming the stand-in (or unset): `npm start` runs it. */
const STANDIN_APP_ID = 'standin';

const log = (m: string) => console.log(`[start] ${m}`);

/** Decides the database and returns the `--var` pairs wrangler needs for it. */
async function prepareDatabase(devVars: Record<string, string>): Promise<{ vars: Record<string, string>; relay?: PgRelay }> {
  const fromEnv = process.env.DATABASE_URL;
  const given = fromEnv || devVars.DATABASE_URL;
  if (given) {
    const { host, pathname } = new URL(given);
    log(`migrating ${host}${pathname} (DATABASE_URL from ${fromEnv ? 'the environment' : '.dev.vars'})`);
    await migrateDatabase(given);
    if (fromEnv && devVars.DATABASE_URL && devVars.DATABASE_URL !== fromEnv) {
      log('warning: .dev.vars also sets DATABASE_URL, and wrangler lets .dev.vars win');
    }
    // wrangler reads .dev.vars itself; a value from the environment must be passed on.
    return { vars: fromEnv ? { DATABASE_URL: fromEnv } : {} };
  }
  const local = await ensureLocalPostgres({ database: 'edge_chat', log: (m) => console.log(`[postgres] ${m}`) });
  await migrateDatabase(local.url);
  const relay = await startPgRelay({ allow: [hostPort(local.url)] });
  log(`local PostgreSQL ${local.url}, migrated; relay ws://${relay.relayUrl}`);
  return { vars: { DATABASE_URL: local.url, PG_RELAY_URL: relay.relayUrl }, relay };
}

/** The SFU of large group calls: the Cloudflare Realtime app of .dev.vars or the environment, else the local stand-in. */
async function prepareSfu(devVars: Record<string, string>): Promise<{ vars: Record<string, string>; standin?: StandinProcess }> {
  const appId = process.env.REALTIME_APP_ID || devVars.REALTIME_APP_ID;
  if (appId && appId !== STANDIN_APP_ID) {
    log('group calls beyond the mesh use the Cloudflare Realtime app of REALTIME_APP_ID');
    const fromEnv = Object.fromEntries(['REALTIME_APP_ID', 'REALTIME_APP_TOKEN', 'REALTIME_API_URL'].flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])));
    return { vars: fromEnv };
  }
  const standin = await spawnRealtimeStandin({ appId: STANDIN_APP_ID, token: randomBytes(24).toString('base64url') });
  log(`group calls beyond the mesh use the local Realtime stand-in at ${standin.url} (docs/deploy.md, "The SFU")`);
  return { vars: { REALTIME_APP_ID: standin.appId, REALTIME_APP_TOKEN: standin.token, REALTIME_API_URL: standin.url }, standin };
}

function runWrangler(port: number, vars: Record<string, string>): Promise<number> {
  const args = ['dev', '--ip', '127.0.0.1', '--port', String(port), ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`])];
  const child = spawn(wranglerBin, args, {
    cwd: projectRoot,
    stdio: 'inherit', // wrangler's hotkeys need the terminal
    env: offlineWranglerEnv(),
  });
  // Ctrl-C reaches wrangler directly (same process group); a SIGTERM sent to us alone is passed on.
  const ignore = () => {};
  const forward = () => child.kill('SIGTERM');
  process.on('SIGINT', ignore);
  process.on('SIGTERM', forward);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 143)));
  });
}

async function main(): Promise<number> {
  const port = devPort();
  await assertDevPortFree(port);
  const devVars = ensureDevVars({ log });
  const { vars, relay } = await prepareDatabase(devVars);
  const sfu = await prepareSfu(devVars);
  try {
    await buildWeb(log);
    return await runWrangler(port, { ...vars, ...sfu.vars });
  } finally {
    await relay?.close();
    await sfu.standin?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[start] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
