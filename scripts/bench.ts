/**
 * `npm run bench [-- --quick] [--skip-build] [--keep-db] [--only=fanout,throughput] [--flush-lag-seconds=30] [--profile-…] [--web-load-only] [--trace-web-scroll]` (`--help` lists them all): a load
 * generator against the real stack, self-contained like `npm test`: the
 * project's local PostgreSQL (or DATABASE_URL's server), a fresh migrated
 * `edge_chat_bench` database, the WebSocket relay, and `wrangler dev`, all
 * started here and torn down at the end. Prints ONE JSON summary on stdout
 * (progress goes to stderr) and writes it to bench-results/latest.json.
 *
 * Phases (each bounded in count and time, each in scripts/bench/):
 *   bundle-size   chat page JS, gzipped, against the 200 KB budget
 *   db-roundtrip  relay and Postgres costs, the floor under every commit
 *   idle-memory   workerd RSS and JS heap per idle socket (first: on an unperturbed process)
 *   transport     a plain `ws` broadcast server: the transport's own fan-out cost
 *   fanout        send → received by all, rooms of 2, 10, 100 sockets
 *   throughput    persisted messages/s in one room, then an exactly-once check
 *   history       page latency at depths 0 / 100k / 1M (--quick: 0 / 10k / 100k)
 *   plainChat     a plain Durable Object chat (bench/plain-chat: own storage, no auth, no
 *                 database) on the same workerd: fan-out at 10 sockets, cold rooms
 *   dbDistance    the app with a fault proxy before Postgres at 0 / 20 / 80 ms one way
 *                 (a second wrangler dev): delivery and ack at 10 sockets
 *   coldRoom      first socket after a restart → first delivered message, vs a warm room
 *   flushLag      ack → visible in Postgres at 1,000 messages/s
 *   historyLoad   history page p50 with 10 concurrent readers vs 1, the stack's CPU per page,
 *                 and the lowest ratio that CPU allows on this machine's cores
 *   historyLoadAtDistance  the same on the second wrangler dev, Postgres 10 ms away each way
 *   loginCpu      workerd CPU per sign-in at bcrypt cost 10 vs 4 (the free plan's 10 ms question)
 *   search        message search p50/p99 over 1M messages (--quick: 100k), by kind of query
 *   webList       the web message list in Chromium: scrolling 5,000 messages (frame times), click →
 *                 newest message, Lighthouse (mobile) on a chat of 500 (bench/web-list.ts) and the
 *                 main thread's CPU time loading it (bench/web-load-cpu.ts)
 * A failing phase is reported in `errors` and the others still run.
 * Nothing here is a pass/fail test of speed: the machine is shared and noisy.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { startApp, type AppServer } from './lib/app-server';
import { freePort } from './lib/free-port';
import { createFreshDatabase, ensureLocalPostgres, quoteIdent, withDatabase, type LocalPostgres } from './lib/local-postgres';
import { migrateDatabase } from './lib/migrate';
import { projectRoot } from './lib/paths';
import { hostPort } from './lib/pg-relay';
import { AppClient, type BenchUser } from './bench/app-client';
import { buildWebToStderr, measureBundle } from './bench/bundle-size';
import { CpuMeter, processTicks, type ProcessGroup } from './bench/cpu';
import { measureDbRoundTrips } from './bench/db-roundtrip';
import { measureFanout } from './bench/fanout';
import { measureBigRoom } from './bench/big-room';
import { spawnHelper } from './bench/helper-process';
import { measureHistory } from './bench/history';
import { measureIdleMemory } from './bench/idle-memory';
import { measureLoginCpu } from './bench/login-cpu';
import { appProcesses, postgresPids, rssKb } from './bench/processes';
import { ratio, round, sleep, summarize } from './bench/stats';
import { measureThroughput } from './bench/throughput';
import { describeOpens, measureColdRooms, profileWarmOpens } from './bench/cold-room';
import { describeTop, isolateSelfTimes } from './bench/inspector';
import { InboxTickets } from './bench/inbox-tickets';
import { measureDbDistance } from './bench/distance';
import { startDistantApp } from './bench/distant-app';
import { measureFlushLag } from './bench/flush-lag';
import { measureGroupCreate } from './bench/group-create';
import { measureHistoryLoad } from './bench/history-load';
import { measurePlainChat, plainChatOpener, startPlainChat } from './bench/plain-chat';
import { measureSearch } from './bench/search';
import { measureWebList } from './bench/web-list';
import { edgeDurableTargets } from './bench/targets';
import { wsBroadcastBaseline } from './bench/transport';

const BENCH_DATABASE = 'edge_chat_bench';
/** Signs bench tokens only. */
const BENCH_JWT_SECRET = 'bench-only-jwt-secret-not-for-production-0123456789';
/** Far above what the load generator can reach: the bench measures the app, not its limits. */
const UNTHROTTLED = 'burst=10000000,perMinute=600000000';

const args = new Set(process.argv.slice(2));
const USAGE = `npm run bench [-- options]: a load generator against the real stack; JSON summary on stdout.
  --quick                 smaller sizes in every phase
  --only=a,b              just these phases (names as in the JSON)
  --skip-build            reuse web/build (also SKIP_WEB_BUILD=1)
  --keep-db               keep the edge_chat_bench database
  --flush-lag-seconds=N   the flush-lag phase's length
  --profile-opens         CPU profile of 100 warm opens (coldRoom)
  --profile-cold          CPU profile of one more first open after a restart (coldRoom)
  --profile-big-room      CPU profile of 100 messages in the big room (bigRoom)
  --profile-fanout        CPU profiles of 500 messages in a room of 10: the app's and the plain chat's (fanout, plainChat)
  --profile-history       CPU profile of the app isolate over ten history readers (historyLoad)
  --web-load-only         webList: only the chat page's load (CPU time, Lighthouse)
  --profile-web-load      webList: also a CPU profile and trace of one load
  --profile-web-scroll    webList: also a CPU profile of the scroll back
  --trace-web-scroll      webList: trace the scroll back and forward instead: CPU and paint layers per frame
docs/performance.md explains every phase and figure.`;
if (args.has('--help') || args.has('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const FLAGS = ['--quick', '--skip-build', '--keep-db', '--profile-opens', '--profile-cold', '--profile-big-room', '--profile-fanout', '--profile-history', '--web-load-only', '--profile-web-load', '--profile-web-scroll', '--trace-web-scroll'];
const VALUED = ['--only=', '--flush-lag-seconds='];
for (const arg of args) {
  if (!FLAGS.includes(arg) && !VALUED.some((prefix) => arg.startsWith(prefix))) {
    console.error(`bench: unknown option ${arg}\n\n${USAGE}`);
    process.exit(2);
  }
}
const quick = args.has('--quick');
const skipBuild = args.has('--skip-build') || process.env.SKIP_WEB_BUILD === '1';
const keepDb = args.has('--keep-db');
/** --profile-opens: after the cold-room phase, a CPU profile of the app's isolate over 100 warm opens (top functions by self time). */
const profileOpens = args.has('--profile-opens');
/** --profile-cold: the isolate's CPU profile of one more first open after a restart, outside the figures. */
const profileCold = args.has('--profile-cold');
/** --profile-big-room: after the big-room phase's figures, a CPU profile of the app's isolate over 100 more messages. */
const profileBigRoom = args.has('--profile-big-room');
/** --profile-fanout: the room of 10's isolate over 500 more messages, and the plain chat's over as many. */
const profileFanoutRooms = args.has('--profile-fanout');
/** --profile-history: the app's isolate over one more ten-reader loop of the historyLoad phase. */
const profileHistory = args.has('--profile-history');
/** --web-load-only: webList measures only the chat page's load (CPU time, Lighthouse), not scrolling or opens. */
/** --profile-web-load: webList also writes a CPU profile of one load to bench-results/chat-load.cpuprofile. */
/** --profile-web-scroll: webList also writes a CPU profile of the scroll back to bench-results/scroll-back.cpuprofile. */
/** --trace-web-scroll: webList traces the scroll back and forward (frame-trace.ts) instead of profiling it. */
/** --only=a,b runs just those phases (names as in the JSON); for iterating on one figure. */
const only = [...args].find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const PHASES = [
  'bundle', 'dbRoundTrips', 'idleMemory', 'transport', 'fanout', 'throughput', 'history',
  'plainChat', 'dbDistance', 'coldRoom', 'historyLoadAtDistance', 'flushLag', 'historyLoad', 'loginCpu', 'search', 'webList', 'groupCreate', 'bigRoom',
];
/** --flush-lag-seconds=30: the flush-lag phase's length (issue 18's target is stated for 30 s). */
const flushLagSeconds = Number([...args].find((a) => a.startsWith('--flush-lag-seconds='))?.split('=')[1] ?? NaN);
for (const name of only ?? []) if (!PHASES.includes(name)) throw new Error(`--only: unknown phase ${name}; phases: ${PHASES.join(', ')}`);

/** Sizes of the run. --quick keeps every phase but shrinks the slow ones. */
const plan = {
  /** profileMessages: --profile-fanout's messages in the room of 10, the app's and the plain chat's. */
  fanout: { sizes: [2, 10, 100], messages: quick ? 100 : 300, warmup: 20, pings: quick ? 100 : 300, maxMs: 180_000, profileMessages: 500 },
  throughput: { senders: 10, window: 32, maxMessages: quick ? 10_000 : 40_000, durationMs: quick ? 8_000 : 20_000, drainMs: 15_000, postgresDrainMs: 60_000 },
  idle: { rooms: quick ? 5 : 10, socketsPerRoom: 100, warmupSockets: 100, settleMs: 3_000, idleMs: quick ? 5_000 : 15_000 },
  history: { depths: quick ? [0, 10_000, 100_000] : [0, 100_000, 1_000_000], requests: 50 },
  /** One-way delays of the fault proxy in front of Postgres; rooms of 10 sockets, the fan-out's message counts. */
  distance: { delays: [0, 20, 80] },
  coldRoom: { runs: quick ? 3 : 5, warmRuns: quick ? 100 : 200, idleTickets: quick ? 5 : 10 },
  flushLag: { perSecond: 1000, durationMs: flushLagSeconds > 0 ? flushLagSeconds * 1000 : quick ? 5_000 : 15_000, senders: 10, pollIntervalMs: 10, drainMs: 60_000 },
  /** distanceMs: historyLoadAtDistance's one-way delay to Postgres (a Worker and its database a region apart). */
  historyLoad: { depth: quick ? 10_000 : 100_000, requests: quick ? 30 : 100, distanceMs: 10 },
  search: { messages: quick ? 100_000 : 1_000_000, rooms: 100, myRooms: 50, requests: quick ? 20 : 50, planRequests: quick ? 3 : 5 },
  db: { count: quick ? 100 : 300, batchSizes: [1, 10, 50, 256], batchReps: quick ? 10 : 30 },
  /** Groups of 10 and 256 created alternately (issue 19); members never online but for `onlineMembers`. */
  /** 1,000 sockets in one room (issue 18): 100 members × 10 sockets. */
  bigRoom: { members: 100, socketsPerMember: 10, messages: quick ? 100 : 300, warmup: 20, profileMessages: profileBigRoom ? 100 : 0 },
  groupCreate: { runs: quick ? 3 : 5, onlineMembers: 8 },
  users: 100,
  loginCpu: { logins: quick ? 20 : 50 },
  webList: {
    messages: 5_000,
    lighthouseMessages: 500,
    scrollBudgetMs: quick ? 60_000 : 180_000,
    opens: quick ? 6 : 10,
    loadCpuRuns: quick ? 3 : 5,
    loadProfile: args.has('--profile-web-load'),
    scrollProfile: args.has('--profile-web-scroll'),
    scrollTrace: args.has('--trace-web-scroll'),
    loadOnly: args.has('--web-load-only'),
  },
};

const t0 = performance.now();
const log = (m: string) => process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${m}\n`);

const errors: Record<string, string> = {};
const phaseSeconds: Record<string, number> = {};
const cpuByPhase: Record<string, ReturnType<CpuMeter['end']>> = {};
/** workerd RSS (KB) when each phase ended: where the runtime's memory went over the run. */
const workerdRssKbAfterPhase: Record<string, Record<string, number>> = {};
/** Set once the stack runs: phases started after that get a CPU breakdown. */
let cpuGroups: ProcessGroup[] | undefined;
let workerdPids: Record<string, number> = {};

/** Runs one phase (unless --only leaves it out); a failure is recorded and the run goes on. */
async function phase<T>(name: string, fn: () => Promise<T>): Promise<T | undefined> {
  if (only && PHASES.includes(name) && !only.includes(name)) return undefined;
  const start = performance.now();
  const meter = cpuGroups && new CpuMeter(cpuGroups);
  meter?.begin();
  try {
    return await fn();
  } catch (err) {
    errors[name] = err instanceof Error ? err.message : String(err);
    log(`${name} FAILED: ${errors[name]}`);
    return undefined;
  } finally {
    phaseSeconds[name] = round((performance.now() - start) / 1000, 1);
    if (meter) cpuByPhase[name] = meter.end();
    if (Object.keys(workerdPids).length) workerdRssKbAfterPhase[name] = workerdRss();
  }
}

/** RSS in KB of each workerd process; -1 for one that is gone (wrangler died: the phase's error says why). */
function workerdRss(): Record<string, number> {
  return Object.fromEntries(
    Object.entries(workerdPids).map(([label, pid]) => {
      try {
        return [label, rssKb(pid)];
      } catch {
        return [label, -1];
      }
    }),
  );
}

function machine() {
  const wranglerVersion = JSON.parse(fs.readFileSync(path.join(projectRoot, 'node_modules/wrangler/package.json'), 'utf8')).version;
  return {
    nproc: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
    loadAverageAtStart: os.loadavg().map((l) => round(l, 2)),
    platform: `${os.type()} ${os.release()}`,
    node: process.version,
    wrangler: wranglerVersion,
  };
}

interface Stack {
  local?: LocalPostgres;
  databaseUrl?: string;
  relay?: { close: () => Promise<void> };
  app?: AppServer;
}
const stack: Stack = {};

async function teardown(): Promise<void> {
  log('tearing down');
  await stack.app?.stop().catch((err: unknown) => log(`stopping wrangler: ${String(err)}`));
  await stack.relay?.close().catch(() => {});
  if (stack.databaseUrl && !keepDb) {
    // A million seeded rows are ~0.5 GB: don't leave them behind.
    const admin = new pg.Client({ connectionString: withDatabase(stack.databaseUrl, 'postgres') });
    await admin
      .connect()
      .then(() => admin.query(`drop database if exists ${quoteIdent(BENCH_DATABASE)} with (force)`))
      .catch((err: unknown) => log(`dropping ${BENCH_DATABASE}: ${String(err)}`))
      .finally(() => admin.end().catch(() => {}));
  }
  if (stack.local?.startedNow) await stack.local.stop().catch((err: unknown) => log(`stopping PostgreSQL: ${String(err)}`));
}

async function main(): Promise<number> {
  const startedAt = new Date().toISOString();
  const host = machine();
  log(`${quick ? 'quick' : 'full'} run on ${host.nproc} cores, node ${host.node}, wrangler ${host.wrangler}`);

  // The web build comes first: wrangler serves web/build/client and the chat page's size is measured from it.
  let buildMs: number | null = null;
  if (!skipBuild) buildMs = (await phase('build', () => buildWebToStderr(log))) ?? null;

  const local = process.env.DATABASE_URL ? undefined : await ensureLocalPostgres({ database: 'postgres', log: (m) => log(`[postgres] ${m}`) });
  stack.local = local;
  const databaseUrl = await createFreshDatabase(process.env.DATABASE_URL || local!.adminUrl, BENCH_DATABASE);
  stack.databaseUrl = databaseUrl;
  await migrateDatabase(databaseUrl);
  const { pgVersion, synchronousCommit } = await (async () => {
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    try {
      const row = (await c.query<{ v: string; sc: string }>("select current_setting('server_version') as v, current_setting('synchronous_commit') as sc")).rows[0]!;
      return { pgVersion: row.v, synchronousCommit: row.sc };
    } finally {
      await c.end();
    }
  })();
  log(`fresh, migrated database ${new URL(databaseUrl).host}${new URL(databaseUrl).pathname} (PostgreSQL ${pgVersion})`);
  const relayProcess = await spawnHelper<{ relayUrl: string }>('relay-process.ts', [hostPort(databaseUrl)]);
  const relay = { ...relayProcess, relayUrl: relayProcess.info.relayUrl };
  stack.relay = relay;

  const vars = {
    DATABASE_URL: databaseUrl,
    PG_RELAY_URL: relay.relayUrl,
    JWT_SECRET: BENCH_JWT_SECRET,
    BCRYPT_COST: '4',
    ACCESS_TOKEN_TTL_SECONDS: '3600',
    REGISTER_RATE_LIMIT: UNTHROTTLED,
    LOGIN_RATE_LIMIT: UNTHROTTLED,
    ROOM_RATE_LIMIT: UNTHROTTLED,
    // The warm-open series asks the inbox for 100–200 tickets back to back.
    INBOX_TICKET_RATE_LIMIT: UNTHROTTLED,
    // Fan-out rooms of growing size reuse the same users: each is added to one group per size.
    GROUP_ADD_RATE_LIMIT: UNTHROTTLED,
    // The search phase times hundreds of queries from one user (issue 20's per-user search limit).
    SEARCH_RATE_LIMIT: UNTHROTTLED,
  };
  // The app's own origin is always allowed; named anyway so the run's settings are explicit.
  const port = await freePort();
  const allowedOrigins = `http://127.0.0.1:${port}`;
  log('starting wrangler dev');
  const app = await startApp({ port, vars: { ...vars, ALLOWED_ORIGINS: allowedOrigins } });
  stack.app = app;
  log(`app on ${app.baseUrl}`);
  const client = new AppClient(app.baseUrl);
  const procs = appProcesses(app.persistTo, app.port);
  workerdPids = Object.fromEntries([...procs.runtime.map((pid) => [`runtime ${pid}`, pid]), ...procs.proxy.map((pid) => [`proxy ${pid}`, pid])]);
  workerdRssKbAfterPhase.start = workerdRss();
  const pgPort = Number(new URL(databaseUrl).port || 5432);
  const sum = (pids: number[], reaped = false) => pids.reduce((s, pid) => s + processTicks(pid, reaped), 0);
  cpuGroups = [
    { label: 'workerd runtime (Worker + objects)', ticks: () => sum(procs.runtime) },
    { label: 'workerd proxy (wrangler dev entry)', ticks: () => sum(procs.proxy) },
    { label: 'wrangler (node, esbuild)', ticks: () => sum(procs.wrangler) },
    { label: 'load generator (this node process)', ticks: () => sum([process.pid]) },
    { label: 'relay (node)', ticks: () => sum([relay.pid]) },
    {
      // The postmaster counts its exited backends (one per REST request) as reaped children.
      label: `postgres (every backend of the server on :${pgPort}, other users' too)`,
      ticks: () => {
        const [postmaster, ...backends] = postgresPids(pgPort);
        return postmaster === undefined ? 0 : processTicks(postmaster, true) + sum(backends);
      },
    },
  ];

  const bundle = await phase('bundle', () => measureBundle({ built: !skipBuild, buildMs, baseUrl: app.baseUrl }));
  if (bundle) log(`chat page JS: ${(bundle.totalGzipBytes / 1024).toFixed(1)} KB gzipped of ${bundle.budgetGzipBytes / 1024} KB`);

  const db = await phase('dbRoundTrips', () => measureDbRoundTrips(databaseUrl, relay.relayUrl, plan.db));
  if (db) log(`select 1: TCP p50 ${db.selectOneTcp.p50} ms, via relay p50 ${db.selectOneViaRelay.p50} ms; new connection via relay p50 ${db.newConnectionViaRelay.p50} ms`);

  let users: BenchUser[] = [];
  // Users are needed by every phase that opens sockets.
  const registration = await phase('registration', async () => {
    const start = performance.now();
    users = await client.registerMany('bench', plan.users);
    const ms = performance.now() - start;
    log(`registered ${users.length} users in ${(ms / 1000).toFixed(1)} s`);
    return { users: users.length, ms: round(ms, 0), perSecond: round((users.length / ms) * 1000, 1) };
  });

  // Idle memory first, on a runtime process nothing has churned yet: freed memory the allocator
  // keeps (after group creation or a throughput burst) would house new sockets without RSS moving.
  const idleMemory = await phase('idleMemory', () => measureIdleMemory(client, users, app, databaseUrl, { ...plan.idle, log }));
  const transport = await phase('transport', () =>
    wsBroadcastBaseline(plan.fanout.sizes, plan.fanout.messages, plan.fanout.warmup),
  );
  const fanout = await phase('fanout', () =>
    measureFanout(client, users, {
      ...plan.fanout,
      deadline: performance.now() + plan.fanout.maxMs,
      profilePersistTo: profileFanoutRooms ? app.persistTo : undefined,
      log,
    }),
  );
  const bigRoom = await phase('bigRoom', () => measureBigRoom(client, users, app, { ...plan.bigRoom, log }));
  const throughput = await phase('throughput', () =>
    measureThroughput(client, users, databaseUrl, { ...plan.throughput, workerdPids, log }),
  );
  const history = await phase('history', () => measureHistory(client, users[0]!, databaseUrl, { ...plan.history, log }));
  const historyLoad = await phase('historyLoad', () =>
    measureHistoryLoad(client, users.slice(0, 10), databaseUrl, {
      ...plan.historyLoad,
      cpuGroups,
      profilePersistTo: profileHistory ? app.persistTo : undefined,
      log,
    }),
  );
  const search = await phase('search', () => measureSearch(client, users[0]!, databaseUrl, { ...plan.search, log }));
  const groupCreate = await phase('groupCreate', () => measureGroupCreate(client, users, databaseUrl, { ...plan.groupCreate, log }));
  const flushLag = await phase('flushLag', () => measureFlushLag(client, users, databaseUrl, { ...plan.flushLag, log }));
  const plainChat = await phase('plainChat', () =>
    measurePlainChat({
      messages: plan.fanout.messages,
      warmup: plan.fanout.warmup,
      coldRuns: plan.coldRoom.runs,
      warmRuns: plan.coldRoom.warmRuns,
      window: plan.throughput.window,
      throughputMs: plan.throughput.durationMs,
      profileMessages: profileFanoutRooms ? plan.fanout.profileMessages : undefined,
      log,
    }),
  );

  // The same app with its Postgres path through a fault proxy, for the distance and cold-room phases.
  const wantsDistantApp = !only || ['dbDistance', 'coldRoom', 'historyLoadAtDistance'].some((p) => only.includes(p));
  const distant = wantsDistantApp ? await phase('distantAppStart', () => startDistantApp(databaseUrl, vars)) : undefined;
  const dbDistance = distant
    ? await phase('dbDistance', async () => ({
        // The plain `ws` server at 10 sockets, from this run's transport phase (or measured now).
        plainWs10: transport?.['10'] ?? (await wsBroadcastBaseline([10], plan.fanout.messages, plan.fanout.warmup))['10']!,
        byDelayMs: await measureDbDistance(new AppClient(distant.app.baseUrl), users, distant.setDelay, {
          ...plan.distance,
          messages: plan.fanout.messages,
          warmup: plan.fanout.warmup,
          log,
        }),
      }))
    : undefined;
  const coldRoom = distant
    ? await phase('coldRoom', async () => {
        const distantClient = new AppClient(distant.app.baseUrl);
        const members = users.slice(0, 2);
        const rooms = [await distantClient.createGroup(members[0]!, 'cold a', members), await distantClient.createGroup(members[0]!, 'cold b', members)];
        // A warm app holds its inbox socket: it asks that for each room's ticket (opened after the restarts).
        let inbox: InboxTickets | undefined;
        // The plain chat's warm opens go in turn with the app's: the same minute's load for both.
        const plainApp = await startPlainChat();
        const openPlain = plainChatOpener(plainApp);
        const result = await measureColdRooms({
          plainInTurn: () => openPlain('warm-open'),
          profileAfterRestart: profileCold
            ? async (work) => {
                const { result: _, ...profile } = await isolateSelfTimes(distant.app.persistTo, work);
                log(`first open after a restart, profiled: ${profile.busyMs} ms busy; top: ${describeTop(profile.top, 30)}`);
                return profile;
              }
            : undefined,
          runs: plan.coldRoom.runs,
          warmRuns: plan.coldRoom.warmRuns,
          restart: () => distant.app.restart(),
          rooms: rooms as [string, string],
          // A cold start: the REST ticket, then the upgrade (the inbox socket is reconnecting too).
          open: (room) => distantClient.openSocketWithTicket(members[1]!, room),
          openWarm: async (room) => {
            inbox ??= await InboxTickets.open(distantClient, members[1]!);
            return distantClient.openSocketWithTicket(members[1]!, room, (r) => inbox!.mint(r));
          },
          // The way before: the REST ticket (POST ws-ticket), open for open in turn with the inbox's.
          compareWarm: (room) => distantClient.openSocketWithTicket(members[1]!, room),
          tag: 'cold',
        }).finally(() => plainApp.stop());
        const ticket = summarize(distantClient.ticketTimings);
        log(`cold room: after restart p50 ${result.afterRestart.p50} ms, cold room in a warm isolate p50 ${result.coldRoomWarmIsolate.p50} ms, warm p50 ${result.warm.p50} ms; ticket request p50 ${ticket.p50} ms`);
        log(`first open after a restart: ${describeOpens(result.afterRestartParts)}`);
        log(`warm opens, ticket over the inbox socket: ${describeOpens(result.warmOpens)}`);
        log(`warm opens, REST ticket (in turn with those): ${describeOpens(result.warmOpensCompared!)}`);
        log(`warm opens, the plain chat (in turn with those): ${describeOpens(result.warmOpensPlainInTurn!)}`);
        // The warm app's way, as the warm-open target measures it: the ticket over the inbox socket.
        const openProfile = profileOpens
          ? await profileWarmOpens(distant.app.persistTo, () => distantClient.openSocketWithTicket(members[1]!, rooms[0]!, (r) => inbox!.mint(r)), log)
          : undefined;
        inbox?.close();
        // A ticket after the Worker's 5-second live-session cache has run out, as when someone
        // switches to a room after reading one: the REST check would ask Postgres here.
        const idleTicket: number[] = [];
        for (let i = 0; i < plan.coldRoom.idleTickets; i++) {
          await sleep(5_500);
          const t0 = performance.now();
          await distantClient.json('POST', `/api/rooms/${rooms[0]}/ws-ticket`, undefined, members[1]!.token);
          idleTicket.push(performance.now() - t0);
        }
        const ticketAfterIdle = summarize(idleTicket);
        log(`ticket after 5.5 s idle: p50 ${ticketAfterIdle.p50} ms, max ${ticketAfterIdle.max} ms (n=${ticketAfterIdle.n})`);
        return { ...result, ticket, ticketAfterIdle, openProfile };
      })
    : undefined;
  // The same readers with Postgres as far as a Worker is from its database in production: what
  // the target means (waiting on shared connections) once a page is not pure CPU of this box.
  const historyLoadAtDistance = distant
    ? await phase('historyLoadAtDistance', async () => {
        const delayMs = plan.historyLoad.distanceMs;
        await distant.setDelay(delayMs);
        try {
          const load = await measureHistoryLoad(new AppClient(distant.app.baseUrl), users.slice(0, 10), databaseUrl, {
            ...plan.historyLoad,
            label: `Postgres ${delayMs} ms away each way`,
            log,
          });
          return { oneWayDelayMs: delayMs, ...load };
        } finally {
          await distant.setDelay(0);
        }
      })
    : undefined;
  await distant?.stop();
  const loginCpu = await phase('loginCpu', () => measureLoginCpu(client, databaseUrl, procs.runtime, { ...plan.loginCpu, log }));
  const webList = await phase('webList', () => measureWebList(client, databaseUrl, { ...plan.webList, log }));

  // The figures issue #3 asks about, side by side with what they are judged against.
  const fanoutVsTransport = Object.fromEntries(
    plan.fanout.sizes.map((size) => {
      const app = fanout?.[String(size)];
      const base = transport?.[String(size)];
      return [
        String(size),
        app && base
          ? {
              appP99Ms: app.all.p99,
              plainWsP99Ms: base.all.p99,
              pingRoundTripP99Ms: app.pingRoundTrip.p99,
              ackP99Ms: app.ack?.p99 ?? null,
              p99AbovePlainWsMs: round(app.all.p99 - base.all.p99),
              p99AbovePingMs: app.p99AbovePingMs,
              p50AbovePlainWsMs: round(app.all.p50 - base.all.p50),
              // The broadcast alone, after the commit: compare with plainWsP99Ms (which also has the inbound hop).
              ackToAllP99Ms: app.ackToAll?.p99 ?? null,
            }
          : null,
      ];
    }),
  );
  const headline = {
    persistedMessagesPerSecond: {
      target: 5000,
      measured: throughput?.persistedPerSecond ?? null,
      inPostgres: throughput?.postgres.persistedPerSecond ?? null,
      met: (throughput?.persistedPerSecond ?? 0) >= 5000,
      synchronousCommit,
    },
    edgeDurable: edgeDurableTargets({ dbDistance, coldRoom, flushLag, historyLoad, historyLoadAtDistance, plainChat, fanout, throughputPerSecond: throughput?.persistedPerSecond }),
    exactlyOnce: throughput?.check.ok ?? null,
    fanoutVsTransport,
    historyFlatness: history?.flatness ?? null,
    idleBytesPerSocket: idleMemory
      ? {
          jsHeapAfterGc: idleMemory.jsHeapBytesPerSocket,
          rssAverage: idleMemory.bytesPerSocket,
          rssMarginal: idleMemory.marginalBytesPerSocket,
          rssRuntimeProcessOnly: idleMemory.runtimeBytesPerSocket,
        }
      : null,
    chatPageJsGzipKB: bundle ? { measured: round(bundle.totalGzipBytes / 1024, 1), budget: 200, withinBudget: bundle.withinBudget } : null,
    loginCpuMs: loginCpu ? { workerdCost10: loginCpu.workerdCpuMsPerLogin.cost10, freePlanLimit: 10 } : null,
    bigRoom: bigRoom ? { sockets: bigRoom.sockets, deliveryP50Ms: bigRoom.all.p50, deliveryP99Ms: bigRoom.all.p99, targetP99Ms: 500, rssKbPerSocket: bigRoom.rssKbPerSocket, jsHeapBytesPerSocket: bigRoom.jsHeapBytesPerSocket } : null,
    groupCreate: groupCreate
      ? { create256P50Ms: groupCreate.createMs['256'].p50, ratio256To10: groupCreate.createRatio256To10, registerDuring256OverAlone: groupCreate.registerRatio }
      : null,
    fanout100P99OverTransportP99: ratio(fanout?.['100']?.all.p99 ?? NaN, transport?.['100']?.all.p99 ?? NaN),
    webList: webList
      ? {
          scrollFrameP95Ms: webList.scroll && { target: 20, back: webList.scroll.scrollBack.frames.p95, forward: webList.scroll.scrollForward?.frames.p95 ?? null },
          clickToNewestP50Ms: webList.openNewestMs && { target: 300, measured: webList.openNewestMs.p50 },
          lighthouse: 'scores' in webList.lighthouse ? { ...webList.lighthouse.scores, totalBlockingTimeMs: webList.lighthouse.metricsMs.totalBlockingTime, targets: 'performance ≥ 90, TBT ≤ 200 ms, accessibility and best-practices 100' } : webList.lighthouse,
        }
      : null,
  };

  const summary = {
    bench: 'edge-chat',
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    mode: quick ? 'quick' : 'full',
    startedAt,
    durationSeconds: round((performance.now() - t0) / 1000, 1),
    phaseSeconds,
    cpuByPhase,
    workerdRssKbAfterPhase,
    machine: { ...host, postgres: pgVersion, synchronousCommit, loadAverageAtEnd: os.loadavg().map((l) => round(l, 2)) },
    setup: {
      app: 'wrangler dev (local workerd), one process group, --persist-to a fresh temp dir',
      database: `${BENCH_DATABASE} on ${process.env.DATABASE_URL ? "DATABASE_URL's server" : 'the project cluster (.data/postgres, synchronous_commit=on)'}, via the WebSocket relay`,
      vars: { ALLOWED_ORIGINS: allowedOrigins, BCRYPT_COST: vars.BCRYPT_COST, REGISTER_RATE_LIMIT: vars.REGISTER_RATE_LIMIT, LOGIN_RATE_LIMIT: vars.LOGIN_RATE_LIMIT, ROOM_RATE_LIMIT: vars.ROOM_RATE_LIMIT, SEARCH_RATE_LIMIT: vars.SEARCH_RATE_LIMIT, ACCESS_TOKEN_TTL_SECONDS: vars.ACCESS_TOKEN_TTL_SECONDS },
      note: 'REGISTER_RATE_LIMIT, LOGIN_RATE_LIMIT, ROOM_RATE_LIMIT and SEARCH_RATE_LIMIT are set far above the load so limits never throttle it; BCRYPT_COST=4 keeps registration cheap. Sockets authenticate with ?token= (access JWT), not tickets.',
      plan,
    },
    headline,
    errors,
    registration: registration ?? null,
    bundle: bundle ?? null,
    dbRoundTrips: db ?? null,
    transportBaseline: transport ?? null,
    fanout: fanout ?? null,
    throughput: throughput ?? null,
    idleMemory: idleMemory ?? null,
    history: history ?? null,
    historyLoad: historyLoad ?? null,
    historyLoadAtDistance: historyLoadAtDistance ?? null,
    search: search ?? null,
    flushLag: flushLag ?? null,
    plainChat: plainChat ?? null,
    dbDistance: dbDistance ?? null,
    coldRoom: coldRoom ?? null,
    loginCpu: loginCpu ?? null,
    webList: webList ?? null,
    groupCreate: groupCreate ?? null,
    bigRoom: bigRoom ?? null,
  };
  const outDir = path.join(projectRoot, 'bench-results');
  fs.mkdirSync(outDir, { recursive: true });
  const text = JSON.stringify(summary, null, 2);
  fs.writeFileSync(path.join(outDir, 'latest.json'), `${text}\n`);
  process.stdout.write(`${text}\n`);
  log(`done in ${summary.durationSeconds} s; bench-results/latest.json written`);
  // Non-zero when something did not run or the stored data is wrong; slow figures alone never fail the bench.
  return Object.keys(errors).length > 0 || throughput?.check.ok === false ? 1 : 0;
}

let exiting = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (exiting) return;
    exiting = true;
    log(`${signal}: stopping`);
    void teardown().finally(() => process.exit(130));
  });
}

main()
  .then(async (code) => {
    exiting = true;
    await teardown();
    process.exit(code);
  })
  .catch(async (err: unknown) => {
    exiting = true;
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await teardown();
    process.exit(1);
  });
