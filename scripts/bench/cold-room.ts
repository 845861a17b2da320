/**
 * Cold rooms: the time from opening a socket to the first delivered message
 * (open → ready → send → own `message` back), for
 * - afterRestart: the first socket after wrangler dev restarted (isolate and room both cold),
 * - coldRoomWarmIsolate: next, a second room not touched since the restart,
 * - warm: the first room again, now loaded.
 * Rooms are created and used once before the first restart, so every object has state to load.
 */
import { performance } from 'node:perf_hooks';
import type { BenchSocket, OpenMarks } from './app-client';
import { describeTop, isolateSelfTimes, type SelfTimes } from './inspector';
import { ratio, summarize, type Summary } from './stats';

export interface ColdRoomResult {
  runs: number;
  afterRestart: Summary;
  coldRoomWarmIsolate: Summary;
  warm: Summary;
  /** afterRestart p50 / warm p50 (target ≤ 1.5). */
  afterRestartOverWarmP50: number | null;
  coldRoomOverWarmP50: number | null;
  /** The open → ready part of afterRestart (the rest is the first send). */
  afterRestartReady: Summary;
  /** afterRestart split into its parts (ticket, upgrade, ready, echo), as the warm opens are. */
  afterRestartParts: OpenBreakdown;
  /** `warmRuns` opens of the warm room one after another, split into their parts (`openWarm`'s way). */
  warmOpens: OpenBreakdown;
  /** The same opens `compareWarm`'s way, alternating with them one for one (so both see the same load). */
  warmOpensCompared?: OpenBreakdown;
  /** --profile-cold: the isolate's CPU during one more first open after a restart. */
  afterRestartProfile?: SelfTimes;
  /** The plain chat's warm opens, in turn with the app's one for one: the warm-open ratio without the drift between phases. */
  warmOpensPlainInTurn?: OpenBreakdown;
}

/**
 * A warm open in parts, ms: the ticket request (ticketed opens only), the upgrade
 * (request → 101), the 101 → `ready` frame, and `ready` → send → own message back.
 */
export interface OpenBreakdown {
  total: Summary;
  ticket: Summary | null;
  upgrade: Summary;
  ready: Summary;
  echo: Summary;
}

/** open → ready → send → own message back, in ms; `readyMs` is the open → ready part. */
export async function firstDelivery(open: () => Promise<BenchSocket>, clientId: string, timeoutMs = 30_000) {
  const t0 = performance.now();
  const socket = await open();
  const readyMs = performance.now() - t0;
  try {
    const deliveredAt = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message back for ${clientId} within ${timeoutMs} ms`)), timeoutMs);
      socket.onFrame = (frame, at) => {
        if (frame.type === 'message' && frame.message?.clientId === clientId) {
          clearTimeout(timer);
          resolve(at);
        } else if (frame.type === 'error') {
          clearTimeout(timer);
          reject(new Error(`${frame.code}: ${frame.message}`));
        }
      };
      socket.send({ type: 'send', clientId, content: 'first message in a cold room' });
    });
    return { totalMs: deliveredAt - t0, readyMs, marks: socket.opening, deliveredAt };
  } finally {
    await socket.close();
  }
}

export async function measureColdRooms(opts: {
  runs: number;
  restart: () => Promise<void>;
  /** Two rooms; both are used once before the first restart. */
  rooms: [string, string];
  open: (room: string) => Promise<BenchSocket>;
  /** How the warm series opens (default: `open`); a warm app's client already holds its inbox socket. */
  openWarm?: (room: string) => Promise<BenchSocket>;
  /** Another way to open, measured in turn with `openWarm` (the way before it, say). */
  compareWarm?: (room: string) => Promise<BenchSocket>;
  /** A warm open of the plain chat's room, measured in turn with `openWarm` too. */
  plainInTurn?: () => Promise<BenchSocket>;
  /** Profiles `work` (one more restart's first open, outside the figures): where a cold isolate's time goes. */
  profileAfterRestart?: (work: () => Promise<unknown>) => Promise<SelfTimes>;
  tag: string;
  /** Warm opens measured in parts after the cold runs. */
  warmRuns: number;
}): Promise<ColdRoomResult> {
  const [a, b] = opts.rooms;
  let n = 0;
  const id = () => `${opts.tag}-${n++}`;
  await firstDelivery(() => opts.open(a), id());
  await firstDelivery(() => opts.open(b), id());
  const afterRestart: number[] = [];
  const afterRestartReady: number[] = [];
  const afterRestartOpens: { marks: OpenMarks; deliveredAt: number }[] = [];
  const coldRoom: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < opts.runs; i++) {
    await opts.restart();
    const first = await firstDelivery(() => opts.open(a), id());
    afterRestart.push(first.totalMs);
    afterRestartReady.push(first.readyMs);
    afterRestartOpens.push(first);
    coldRoom.push((await firstDelivery(() => opts.open(b), id())).totalMs);
    warm.push((await firstDelivery(() => opts.open(a), id())).totalMs);
  }
  let afterRestartProfile: SelfTimes | undefined;
  if (opts.profileAfterRestart) {
    await opts.restart();
    afterRestartProfile = await opts.profileAfterRestart(() => firstDelivery(() => opts.open(a), id()));
  }
  // The app's room was opened before the restarts; the plain chat's is opened once here, so
  // its first open (a room waking) is not counted among the warm ones.
  if (opts.plainInTurn) await firstDelivery(opts.plainInTurn, id());
  const openWarm = opts.openWarm ?? opts.open;
  const compareWarm = opts.compareWarm;
  const series = await measureWarmOpens(
    { warm: () => openWarm(a), ...(compareWarm ? { compared: () => compareWarm(a) } : {}), ...(opts.plainInTurn ? { plain: opts.plainInTurn } : {}) },
    opts.warmRuns,
    id,
  );
  const summary = { afterRestart: summarize(afterRestart), coldRoomWarmIsolate: summarize(coldRoom), warm: summarize(warm) };
  return {
    runs: opts.runs,
    ...summary,
    afterRestartOverWarmP50: ratio(summary.afterRestart.p50, summary.warm.p50),
    coldRoomOverWarmP50: ratio(summary.coldRoomWarmIsolate.p50, summary.warm.p50),
    afterRestartReady: summarize(afterRestartReady),
    afterRestartParts: breakdown(afterRestartOpens),
    warmOpens: series.warm!,
    ...(series.compared ? { warmOpensCompared: series.compared } : {}),
    ...(series.plain ? { warmOpensPlainInTurn: series.plain } : {}),
    ...(afterRestartProfile ? { afterRestartProfile } : {}),
  };
}

/** `runs` opens of a warm room each way, taking turns open by open; each split into its parts. */
async function measureWarmOpens(
  ways: Record<string, () => Promise<BenchSocket>>,
  runs: number,
  id: () => string,
): Promise<Record<string, OpenBreakdown>> {
  const parts = Object.fromEntries(Object.keys(ways).map((name) => [name, [] as { marks: OpenMarks; deliveredAt: number }[]]));
  for (let i = 0; i < runs; i++) {
    for (const [name, open] of Object.entries(ways)) parts[name]!.push(await firstDelivery(open, id()));
  }
  return Object.fromEntries(Object.entries(parts).map(([name, opens]) => [name, breakdown(opens)]));
}

function breakdown(opens: { marks: OpenMarks; deliveredAt: number }[]): OpenBreakdown {
  const ticketed = opens.every((o) => o.marks.ticketAt !== undefined);
  return {
    total: summarize(opens.map((o) => o.deliveredAt - o.marks.startedAt)),
    ticket: ticketed ? summarize(opens.map((o) => o.marks.ticketAt! - o.marks.startedAt)) : null,
    upgrade: summarize(opens.map((o) => o.marks.upgradedAt - (o.marks.ticketAt ?? o.marks.startedAt))),
    ready: summarize(opens.map((o) => o.marks.readyAt - o.marks.upgradedAt)),
    echo: summarize(opens.map((o) => o.deliveredAt - o.marks.readyAt)),
  };
}

/** One log line: p50 / p95 of each part. */
export function describeOpens(b: OpenBreakdown): string {
  const part = (name: string, s: Summary | null) => (s ? `${name} ${s.p50} / ${s.p95}` : undefined);
  return [part('total', b.total), part('ticket', b.ticket), part('upgrade', b.upgrade), part('ready', b.ready), part('echo', b.echo)]
    .filter(Boolean)
    .join(', ')
    .concat(` ms p50 / p95 (n=${b.total.n})`);
}

/** Where the app isolate's CPU goes over `opens` warm opens (ticket, upgrade, ready, one send echoed). */
export async function profileWarmOpens(persistTo: string, open: () => Promise<BenchSocket>, log: (m: string) => void, opens = 100) {
  let n = 0;
  const profile = await isolateSelfTimes(persistTo, async () => {
    for (let i = 0; i < opens; i++) await firstDelivery(open, `profiled-${n++}`);
  });
  log(`open profile: ${profile.busyMs} ms busy over ${opens} opens (${(profile.busyMs / opens).toFixed(2)} ms each); top: ${describeTop(profile.top, 30)}`);
  return { opens, ...profile };
}
