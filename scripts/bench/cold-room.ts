/**
 * Cold rooms: the time from opening a socket to the first delivered message
 * (open → ready → send → own `message` back), for
 * - afterRestart: the first socket after wrangler dev restarted (isolate and room both cold),
 * - coldRoomWarmIsolate: next, a second room not touched since the restart,
 * - warm: the first room again, now loaded.
 * Rooms are created and used once before the first restart, so every object has state to load.
 */
import { performance } from 'node:perf_hooks';
import type { BenchSocket } from './app-client';
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
    return { totalMs: deliveredAt - t0, readyMs };
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
  tag: string;
}): Promise<ColdRoomResult> {
  const [a, b] = opts.rooms;
  let n = 0;
  const id = () => `${opts.tag}-${n++}`;
  await firstDelivery(() => opts.open(a), id());
  await firstDelivery(() => opts.open(b), id());
  const afterRestart: number[] = [];
  const afterRestartReady: number[] = [];
  const coldRoom: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < opts.runs; i++) {
    await opts.restart();
    const first = await firstDelivery(() => opts.open(a), id());
    afterRestart.push(first.totalMs);
    afterRestartReady.push(first.readyMs);
    coldRoom.push((await firstDelivery(() => opts.open(b), id())).totalMs);
    warm.push((await firstDelivery(() => opts.open(a), id())).totalMs);
  }
  const summary = { afterRestart: summarize(afterRestart), coldRoomWarmIsolate: summarize(coldRoom), warm: summarize(warm) };
  return {
    runs: opts.runs,
    ...summary,
    afterRestartOverWarmP50: ratio(summary.afterRestart.p50, summary.warm.p50),
    coldRoomOverWarmP50: ratio(summary.coldRoomWarmIsolate.p50, summary.warm.p50),
    afterRestartReady: summarize(afterRestartReady),
  };
}
