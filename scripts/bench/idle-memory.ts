/**
 * Memory of idle sockets: the resident set (VmRSS) of the two workerd
 * processes behind `wrangler dev` (the runtime with the Worker and the room
 * objects, and wrangler's proxy in front of it, which holds its own end of
 * every socket) before and after opening N sockets that then say nothing.
 * A warm-up round opens and closes sockets first, so one-off growth (code
 * compiled on the upgrade path, heap and allocator high-water marks) is not
 * charged to the measured sockets. RSS still includes garbage not yet
 * collected and allocator slack, so it is an upper bound; the isolate's live JS
 * heap after a full GC (inspector.ts), all sockets open against all closed,
 * says what the Worker's JavaScript keeps per socket.
 *
 * The rooms are made straight in Postgres with the product's own createGroup
 * query, not POST /api/groups: that route wakes every member's inbox object at
 * once, and in local workerd (every object in one process) such a burst leaves
 * hundreds of MB of allocator slack that the sockets' memory would then hide in.
 * Each room's object wakes on its first socket, as after a deploy.
 */
import { performance } from 'node:perf_hooks';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Database } from '../../drizzle/connection';
import { createGroup } from '../../drizzle/queries/groups';
import { schema } from '../../drizzle/schema';
import { AppClient, closeAll, type BenchSocket, type BenchUser } from './app-client';
import { HeapInspector, inspectorPort } from './inspector';
import { appProcesses, rssKb } from './processes';
import { mapLimit, round, sleep } from './stats';

interface Snapshot {
  label: string;
  atS: number;
  /** Per workerd process, keyed "runtime PID" or "proxy PID". */
  rssKb: Record<string, number>;
  totalRssKb: number;
}

export interface IdleMemoryResult {
  sockets: number;
  warmupSockets: number;
  rooms: number;
  users: number;
  socketsPerUser: number;
  openMs: number;
  workerd: { runtime: number[]; proxy: number[] };
  snapshots: Snapshot[];
  /** (all open, settled − before) / sockets, both workerd processes. */
  bytesPerSocket: number | null;
  /** (all open − half open) / sockets of the second half: the slope, both processes. */
  marginalBytesPerSocket: number | null;
  /** The same, runtime process only (the Worker and the room objects). */
  runtimeBytesPerSocket: number | null;
  /** The Worker isolate's live JS heap after a full GC, all sockets open and all closed. */
  jsHeapBytes: { open: number | null; closed: number | null };
  /** (open − closed) / sockets: the JS memory the isolate keeps per idle socket. */
  jsHeapBytesPerSocket: number | null;
  /** Why jsHeapBytes is null, if it is. */
  inspectorError?: string;
  /** The same after a further idle period (object hibernation may release memory). */
  bytesPerSocketAfterIdle: number | null;
  /**
   * After every socket closed (and an idle period), then after opening as many again and closing
   * them: RSS above `before`, both processes, MB. Memory that stays after closing but is reused
   * by the second round is allocator high water, not a leak; a leak grows again.
   */
  afterClose: { closedMb: number; closedIdleMb: number; reopenedMb: number; closedAgainMb: number; firstOpenMb: number };
}

export async function measureIdleMemory(
  client: AppClient,
  users: BenchUser[],
  app: { persistTo: string; port: number },
  databaseUrl: string,
  opts: { rooms: number; socketsPerRoom: number; warmupSockets: number; settleMs: number; idleMs: number; log: (m: string) => void },
): Promise<IdleMemoryResult> {
  const { runtime, proxy } = appProcesses(app.persistTo, app.port);
  if (runtime.length === 0) throw new Error(`no workerd process found under the wrangler dev persisting to ${app.persistTo}`);
  const labels = new Map([...runtime.map((pid) => [pid, 'runtime'] as const), ...proxy.map((pid) => [pid, 'proxy'] as const)]);
  const start = performance.now();
  const snap = (label: string): Snapshot => {
    const rss = Object.fromEntries([...labels].map(([pid, role]) => [`${role} ${pid}`, rssKb(pid)]));
    return { label, atS: round((performance.now() - start) / 1000, 1), rssKb: rss, totalRssKb: Object.values(rss).reduce((a, b) => a + b, 0) };
  };

  const members = users.slice(0, opts.socketsPerRoom);
  const roomIds = await createRoomsInPostgres(databaseUrl, opts.rooms, members);
  // Warm-up in the first room: the upgrade path's code, and that room's object, before the first snapshot.
  const warmup = await mapLimit(members.slice(0, opts.warmupSockets), 16, (user) => client.openSocket(user, roomIds[0]!));
  await closeAll(warmup);
  await sleep(opts.settleMs);
  const snapshots = [snap('before')];

  opts.log(`idle memory: opening ${opts.rooms * members.length} sockets (${opts.rooms} rooms × ${members.length} users)`);
  const t0 = performance.now();
  const pairs = roomIds.flatMap((roomId) => members.map((user) => ({ roomId, user })));
  // In two halves: the second half's growth is the marginal cost of a socket, past any
  // one-off growth the first half still paid for.
  const half = Math.floor(pairs.length / 2);
  const open = (part: typeof pairs) => mapLimit(part, 16, ({ roomId, user }) => client.openSocket(user, roomId));
  const sockets: BenchSocket[] = await open(pairs.slice(0, half));
  await sleep(opts.settleMs);
  snapshots.push(snap('half open, settled'));
  sockets.push(...(await open(pairs.slice(half))));
  const openMs = performance.now() - t0 - opts.settleMs;
  await sleep(opts.settleMs);
  snapshots.push(snap('open, settled'));
  await sleep(opts.idleMs);
  snapshots.push(snap('open, after idle'));
  // The JS heap last: a heap snapshot streams megabytes through wrangler's proxy process
  // (it hosts the inspector proxy), which would inflate every RSS reading after it.
  const heap = await liveHeap(app.persistTo);
  const heapOpen = await heap.read();
  await closeAll(sockets);
  await sleep(opts.settleMs);
  snapshots.push(snap('closed'));
  const heapClosed = await heap.read();
  heap.close();
  await sleep(opts.idleMs);
  snapshots.push(snap('closed, after idle'));
  // A second round on the same rooms: does it need new memory, or reuse what the first kept?
  const again = await open(pairs);
  await sleep(opts.settleMs);
  snapshots.push(snap('reopened, settled'));
  await closeAll(again);
  await sleep(opts.settleMs);
  snapshots.push(snap('closed again'));

  const [before, halfOpen, allOpen, afterIdle, closed, closedIdle, reopened, closedAgain] = snapshots as [
    Snapshot, Snapshot, Snapshot, Snapshot, Snapshot, Snapshot, Snapshot, Snapshot,
  ];
  const aboveBeforeMb = (s: Snapshot) => round((s.totalRssKb - before.totalRssKb) / 1024, 0);
  const perSocket = (after: Snapshot) => round(((after.totalRssKb - before.totalRssKb) * 1024) / sockets.length, 0);
  const runtimeKb = (s: Snapshot) => runtime.reduce((sum, pid) => sum + s.rssKb[`runtime ${pid}`]!, 0);
  const result: IdleMemoryResult = {
    sockets: sockets.length,
    warmupSockets: warmup.length,
    rooms: opts.rooms,
    users: members.length,
    socketsPerUser: opts.rooms,
    openMs: round(openMs, 0),
    workerd: { runtime, proxy },
    snapshots,
    bytesPerSocket: perSocket(allOpen),
    marginalBytesPerSocket: round(((allOpen.totalRssKb - halfOpen.totalRssKb) * 1024) / (sockets.length - half), 0),
    runtimeBytesPerSocket: round(((runtimeKb(allOpen) - runtimeKb(before)) * 1024) / sockets.length, 0),
    bytesPerSocketAfterIdle: perSocket(afterIdle),
    jsHeapBytes: { open: heapOpen, closed: heapClosed },
    jsHeapBytesPerSocket: heapOpen !== null && heapClosed !== null ? round((heapOpen - heapClosed) / sockets.length, 0) : null,
    ...(heap.error() ? { inspectorError: heap.error() } : {}),
    afterClose: {
      firstOpenMb: aboveBeforeMb(allOpen),
      closedMb: aboveBeforeMb(closed),
      closedIdleMb: aboveBeforeMb(closedIdle),
      reopenedMb: aboveBeforeMb(reopened),
      closedAgainMb: aboveBeforeMb(closedAgain),
    },
  };
  opts.log(`idle memory: JS heap ${result.jsHeapBytesPerSocket} bytes/socket; RSS ${result.bytesPerSocket} bytes/socket settled (marginal ${result.marginalBytesPerSocket}, runtime alone ${result.runtimeBytesPerSocket}), ${result.bytesPerSocketAfterIdle} after ${opts.idleMs / 1000} s idle; above before: ${JSON.stringify(result.afterClose)} MB`);
  return result;
}

/** Live-heap readings through the inspector; null readings (and the reason) if it is unavailable. */
async function liveHeap(persistTo: string) {
  let error: string | undefined;
  let inspector: HeapInspector | undefined;
  try {
    const port = inspectorPort(persistTo);
    if (port === undefined) throw new Error('no --inspector-port on wrangler dev');
    inspector = await HeapInspector.connect(port);
  } catch (err) {
    error = String(err);
  }
  return {
    read: async (): Promise<number | null> =>
      inspector ? inspector.liveHeapBytes().catch((err: unknown) => ((error = String(err)), null)) : null,
    close: () => inspector?.close(),
    error: () => error,
  };
}

/** Groups of `members` (the first one admin), written as POST /api/groups writes them, without its announcements. */
async function createRoomsInPostgres(databaseUrl: string, count: number, members: BenchUser[]): Promise<string[]> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const db = drizzle({ client: pool, schema }) as unknown as Database;
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(await createGroup(db, `idle ${i}`, members[0]!.id, members.map((m) => m.id)));
    return ids;
  } finally {
    await pool.end();
  }
}
