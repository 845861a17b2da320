/**
 * History under concurrent readers: GET /api/rooms/:id/messages (newest page of
 * 50) from one reader in a closed loop, then from ten at once; the target is p50
 * at 10 readers within 3× of one reader. Readers that queued for database
 * connections would miss it. So would a page that is all CPU on a machine with
 * few cores: the CPU every process of the stack spends per page, over the
 * cores, bounds how fast ten readers can go, and the result says so
 * (`cpuFloorRatio`). historyLoadAtDistance runs it with Postgres farther away.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { AppClient, BenchUser } from './app-client';
import { CpuMeter, REST_OF_MACHINE, type ProcessGroup } from './cpu';
import { seed } from './history';
import { describeTop, isolateSelfTimes } from './inspector';
import { ratio, summarize, type Summary } from './stats';

export interface HistoryLoadResult {
  depth: number;
  oneReader: Summary;
  tenReaders: Summary;
  /** tenReaders p50 / oneReader p50 (target ≤ 3). */
  tenOverOneP50: number | null;
  tenReadersPerSecond: number;
  /** Cores busy per process in each loop alone (the seeding left out), and the CPU per page they add up to. */
  cpu?: { oneReader: CpuPerPage; tenReaders: CpuPerPage };
  /**
   * The lowest tenOverOneP50 this machine allows: ten closed-loop readers need ten pages' CPU
   * per round, and a round cannot take less than that over the machine's cores. Near it, the
   * ratio measures the cores, not waiting on shared connections.
   */
  cpuFloorRatio?: number | null;
  /** --profile-history: the app isolate's self times over a second ten-reader loop. */
  profile?: { pages: number; busyMsPerPage: number; top: { fn: string; ms: number; share: number }[] };
}

interface CpuPerPage extends ReturnType<CpuMeter['end']> {
  /** Every process of the stack together, ms of CPU per page read. */
  stackMsPerPage: number;
}

/** Runs `loop` under a CPU meter (when there are process groups to meter). */
async function metered(groups: ProcessGroup[] | undefined, pages: number, loop: () => Promise<unknown>): Promise<CpuPerPage | undefined> {
  const meter = groups && new CpuMeter(groups);
  meter?.begin();
  await loop();
  const used = meter?.end();
  if (!used) return undefined;
  const stackCores = Object.entries(used.coresBusy).reduce((sum, [label, cores]) => (label === REST_OF_MACHINE ? sum : sum + cores), 0);
  return { ...used, stackMsPerPage: Math.round(((stackCores * used.wallSeconds * 1000) / pages) * 10) / 10 };
}

async function readLoop(client: AppClient, user: BenchUser, path: string, count: number, samples: number[]): Promise<void> {
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const page = await client.json<{ messages: unknown[] }>('GET', path, undefined, user.token);
    samples.push(performance.now() - t0);
    if (page.messages.length !== 50) throw new Error(`history page of ${page.messages.length} messages, not 50: the page did not read Postgres`);
  }
}

export async function measureHistoryLoad(
  client: AppClient,
  readers: BenchUser[],
  databaseUrl: string,
  opts: { depth: number; requests: number; cpuGroups?: ProcessGroup[]; label?: string; profilePersistTo?: string; log: (m: string) => void },
): Promise<HistoryLoadResult> {
  const roomId = await client.createGroup(readers[0]!, 'history load', readers);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    await seed(pool, roomId, readers[0]!.id, opts.depth);
    // Statistics for the rows just loaded, as autoanalyze gives them within a minute: without them
    // the planner took the fresh table for empty and read the whole room's rows for every page.
    await pool.query('analyze messages');
  } finally {
    await pool.end();
  }
  // One socket opens the room, which adopts the seeded highest seq (the room's log is empty):
  // without it the room takes itself for new and the page reads nothing from Postgres.
  await (await client.openSocket(readers[0]!, roomId)).close();
  const path = `/api/rooms/${roomId}/messages?limit=50`;
  await readLoop(client, readers[0]!, path, 10, []); // warm-up
  const one: number[] = [];
  const oneReaderCpu = await metered(opts.cpuGroups, opts.requests, () => readLoop(client, readers[0]!, path, opts.requests, one));
  const ten: number[] = [];
  const t0 = performance.now();
  const tenReadersCpu = await metered(opts.cpuGroups, opts.requests * 10, () =>
    tenReaders(client, readers, path, opts.requests, ten),
  );
  const elapsed = performance.now() - t0;
  const result: HistoryLoadResult = {
    depth: opts.depth,
    oneReader: summarize(one),
    tenReaders: summarize(ten),
    tenOverOneP50: ratio(summarize(ten).p50, summarize(one).p50),
    tenReadersPerSecond: Math.round((ten.length / elapsed) * 1000),
    cpu: oneReaderCpu && tenReadersCpu && { oneReader: oneReaderCpu, tenReaders: tenReadersCpu },
    cpuFloorRatio: tenReadersCpu ? ratio((tenReadersCpu.stackMsPerPage * 10) / os.cpus().length, summarize(one).p50) : null,
  };
  if (opts.profilePersistTo) result.profile = await profileTenReaders(opts.profilePersistTo, () => tenReaders(client, readers, path, opts.requests, []), opts.requests * 10, opts.log);
  const floor = tenReadersCpu ? `; ${tenReadersCpu.stackMsPerPage} ms of the stack's CPU per page, so ${result.cpuFloorRatio}× at best on ${os.cpus().length} cores` : '';
  opts.log(`history load${opts.label ? ` (${opts.label})` : ''}: 1 reader p50 ${result.oneReader.p50} ms, 10 readers p50 ${result.tenReaders.p50} ms (${result.tenOverOneP50}×)${floor}`);
  return result;
}

function tenReaders(client: AppClient, readers: BenchUser[], path: string, requests: number, samples: number[]) {
  return Promise.all(readers.slice(0, 10).map((r) => readLoop(client, r, path, requests, samples)));
}

/** Where the app isolate's CPU goes over one more ten-reader loop (the Worker and the room object share it). */
async function profileTenReaders(persistTo: string, loop: () => Promise<unknown>, pages: number, log: (m: string) => void) {
  const { busyMs, top } = await isolateSelfTimes(persistTo, loop);
  const busyMsPerPage = Math.round((busyMs / pages) * 100) / 100;
  log(`history profile: ${busyMsPerPage} ms of the isolate per page; top: ${describeTop(top, 12)}`);
  return { pages, busyMsPerPage, top: top.slice(0, 25) };
}
