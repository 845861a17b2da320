/**
 * The side-by-side baseline: a plain Durable Object chat (plain-chat/worker.js,
 * in the style of Cloudflare's workers-chat-demo: messages in the object's own
 * storage, no auth, no database) on the same workerd and wrangler dev as the app,
 * measured by the same probes: fan-out at 10 sockets, pipelined throughput and the cold-room trio.
 */
import path from 'node:path';
import { startApp, type AppServer } from '../lib/app-server';
import { projectRoot } from '../lib/paths';
import { performance } from 'node:perf_hooks';
import { AppClient, closeAll, type BenchSocket, type BenchUser } from './app-client';
import { describeOpens, measureColdRooms, type ColdRoomResult } from './cold-room';
import { describeFanoutProfile, probeFanout, profileFanout, type FanoutProfile, type FanoutResult } from './fanout-probe';
import { mapLimit, round, summarize, type Summary } from './stats';

export const PLAIN_CHAT_CONFIG = path.join(projectRoot, 'scripts/bench/plain-chat/wrangler.toml');

/** Anyone: the plain chat checks nothing, and AppClient.openSocket's ?token= is simply ignored. */
const ANONYMOUS: BenchUser = { id: 'anonymous', username: 'anonymous', token: 'none' };

export function startPlainChat(): Promise<AppServer> {
  return startApp({ configPath: PLAIN_CHAT_CONFIG, vars: {} });
}

/** Opens a socket to one of the plain chat's rooms (it checks no credential). */
export function plainChatOpener(app: AppServer): (room: string) => Promise<BenchSocket> {
  const client = new AppClient(app.baseUrl);
  return (room) => client.openSocket(ANONYMOUS, room);
}

export interface PlainChatResult {
  fanout10: FanoutResult;
  /** --profile-fanout: the plain chat's isolate over as many more messages as the app's. */
  fanout10Profile?: FanoutProfile;
  coldRoom: ColdRoomResult;
  /** Acked messages/s in one room, 10 senders × `window` in flight (as the app's throughput phase). */
  throughput: { acked: number; elapsedMs: number; ackedPerSecond: number; ackLatencyMs: Summary };
}

/** Senders each keep `window` sends in flight for `durationMs`; counts acks (each one stored in the object's SQLite). */
async function pipelinedThroughput(sockets: BenchSocket[], window: number, durationMs: number) {
  const latencies: number[] = [];
  let sent = 0;
  let inFlight = 0;
  const start = performance.now();
  let lastAck = start;
  await new Promise<void>((resolve) => {
    for (const socket of sockets) {
      const sentAt = new Map<string, number>();
      const next = () => {
        if (performance.now() - start > durationMs) {
          if (inFlight === 0) resolve();
          return;
        }
        const clientId = `plaintp-${sent++}`;
        sentAt.set(clientId, performance.now());
        inFlight += 1;
        socket.send({ type: 'send', clientId, content: `throughput message ${clientId}` });
      };
      socket.onFrame = (frame, at) => {
        const t0 = frame.type === 'ack' ? sentAt.get(frame.clientId) : undefined;
        if (t0 === undefined) return;
        sentAt.delete(frame.clientId);
        inFlight -= 1;
        latencies.push(at - t0);
        lastAck = at;
        next();
      };
      for (let i = 0; i < window; i++) next();
    }
  });
  const elapsedMs = lastAck - start;
  return { acked: latencies.length, elapsedMs: round(elapsedMs, 0), ackedPerSecond: round((latencies.length / elapsedMs) * 1000, 0), ackLatencyMs: summarize(latencies) };
}

export async function measurePlainChat(opts: {
  messages: number;
  warmup: number;
  coldRuns: number;
  warmRuns: number;
  /** Sends in flight per sender and how long, for the throughput figure. */
  window: number;
  throughputMs: number;
  profileMessages?: number;
  log: (m: string) => void;
}): Promise<PlainChatResult> {
  const app = await startPlainChat();
  try {
    const client = new AppClient(app.baseUrl);
    const sockets = await mapLimit(Array.from({ length: 10 }), 10, () => client.openSocket(ANONYMOUS, 'fanout10'));
    let fanout10: FanoutResult;
    let fanout10Profile: FanoutProfile | undefined;
    try {
      fanout10 = await probeFanout({ sockets, messages: opts.messages, warmup: opts.warmup, tag: 'plain10', expectAck: true });
      if (opts.profileMessages) {
        fanout10Profile = await profileFanout(app.persistTo, sockets, opts.profileMessages, 'plainprof10');
        opts.log(describeFanoutProfile('plain DO chat, 10 sockets:', fanout10Profile));
      }
    } finally {
      await closeAll(sockets);
    }
    opts.log(`plain DO chat, 10 sockets: p50 ${fanout10.all.p50} ms, p99 ${fanout10.all.p99} ms (ack p99 ${fanout10.ack?.p99} ms)`);
    const senders = await mapLimit(Array.from({ length: 10 }), 10, () => client.openSocket(ANONYMOUS, 'throughput'));
    let throughput: PlainChatResult['throughput'];
    try {
      throughput = await pipelinedThroughput(senders, opts.window, opts.throughputMs);
    } finally {
      await closeAll(senders);
    }
    opts.log(`plain DO chat, throughput: ${throughput.ackedPerSecond} acked msg/s`);
    const coldRoom = await measureColdRooms({
      runs: opts.coldRuns,
      restart: () => app.restart(),
      rooms: ['cold-a', 'cold-b'],
      open: (room) => client.openSocket(ANONYMOUS, room),
      tag: 'plaincold',
      warmRuns: opts.warmRuns,
    });
    opts.log(`plain DO chat, cold room: after restart p50 ${coldRoom.afterRestart.p50} ms, warm p50 ${coldRoom.warm.p50} ms`);
    opts.log(`plain DO chat, warm opens: ${describeOpens(coldRoom.warmOpens)}`);
    return { fanout10, fanout10Profile, coldRoom, throughput };
  } finally {
    await app.stop();
  }
}
