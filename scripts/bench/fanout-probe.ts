/**
 * The fan-out measurement itself, shared by the app (fanout.ts) and the plain
 * `ws` baseline (transport.ts) so both are timed by exactly the same code:
 * one message at a time (closed loop, so we measure latency, not queueing),
 * timed from just before `send` to the moment the last socket in the room
 * received it. All sockets live in this one process, so one clock serves.
 */
import { performance } from 'node:perf_hooks';
import type { Frame } from './app-client';
import { describeTop, isolateSelfTimes } from './inspector';
import { summarize, type Summary } from './stats';

/** A socket that reports frames; BenchSocket is one, so is the baseline's client. */
export interface FrameSocket {
  onFrame: (frame: Frame, at: number) => void;
  send(frame: unknown): void;
}

export interface FanoutOptions {
  sockets: FrameSocket[];
  /** Measured messages (after warm-up). */
  messages: number;
  /** Unmeasured messages first: JIT, the room's Postgres connection, caches. */
  warmup: number;
  /** Prefix for client ids, unique per run. */
  tag: string;
  /** Whether the sender waits for an `ack` too (the app; the baseline has none). */
  expectAck: boolean;
  /** Per message; a message that misses it counts as lost and the run goes on. */
  timeoutMs?: number;
  /** Stop early at this performance.now() (a bound on the phase's time). */
  deadline?: number;
  content?: string;
}

export interface FanoutResult {
  /** send → received by every socket of the room. */
  all: Summary;
  /** send → received by the first socket. */
  first: Summary;
  /** send → ack on the sender's socket (app only: includes the Postgres commit). */
  ack?: Summary;
  /**
   * ack → received by every socket (app only). The room acks a batch and then
   * broadcasts it, so this is the fan-out without the commit before it: the
   * figure to hold against the transport's own fan-out.
   */
  ackToAll?: Summary;
  lost: number;
  errors: string[];
}

export async function probeFanout(opts: FanoutOptions): Promise<FanoutResult> {
  const { sockets, tag } = opts;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const content = opts.content ?? 'bench fan-out message, about the size of a short chat line';
  const all: number[] = [];
  const first: number[] = [];
  const acks: number[] = [];
  const ackToAll: number[] = [];
  const errors: string[] = [];
  let lost = 0;

  // One mutable "current message" read by every socket's handler: no per-message closures.
  let current: { clientId: string; t0: number; pending: number; first: number; last: number; ackAt?: number; done: () => void } | undefined;
  const finishIfComplete = () => {
    if (current && current.pending === 0 && (!opts.expectAck || current.ackAt !== undefined)) current.done();
  };
  for (const socket of sockets) {
    const seen = new Set<string>();
    socket.onFrame = (frame, at) => {
      if (!current) return;
      if (frame.type === 'message' && frame.message?.clientId === current.clientId && !seen.has(current.clientId)) {
        seen.add(current.clientId);
        current.first = Math.min(current.first, at);
        current.last = Math.max(current.last, at);
        current.pending -= 1;
        finishIfComplete();
      } else if (frame.type === 'ack' && frame.clientId === current.clientId) {
        current.ackAt = at;
        finishIfComplete();
      } else if (frame.type === 'error') {
        if (errors.length < 10) errors.push(`${frame.code}: ${frame.message}`);
      }
    };
  }

  const total = opts.warmup + opts.messages;
  for (let i = 0; i < total; i++) {
    if (opts.deadline && performance.now() > opts.deadline) break;
    const clientId = `${tag}-${i}`;
    // Rotate senders: every member speaks, as in a real room.
    const sender = sockets[i % sockets.length]!;
    const completed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      current = {
        clientId,
        t0: performance.now(),
        pending: sockets.length,
        first: Infinity,
        last: 0,
        done: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      sender.send({ type: 'send', clientId, content });
    });
    const m = current!;
    current = undefined;
    if (!completed) {
      lost += 1;
      continue;
    }
    if (i < opts.warmup) continue;
    all.push(m.last - m.t0);
    first.push(m.first - m.t0);
    if (m.ackAt !== undefined) {
      acks.push(m.ackAt - m.t0);
      ackToAll.push(Math.max(0, m.last - m.ackAt));
    }
  }
  for (const socket of sockets) socket.onFrame = () => {};
  return {
    all: summarize(all),
    first: summarize(first),
    ...(opts.expectAck ? { ack: summarize(acks), ackToAll: summarize(ackToAll) } : {}),
    lost,
    errors,
  };
}

export interface FanoutProfile {
  messages: number;
  /** The isolate's sampled CPU per message (the profiler's own cost included: compare like with like). */
  busyMsPerMessage: number;
  top: { fn: string; ms: number; share: number }[];
}

/**
 * --profile-fanout: where the isolate behind `persistTo`'s wrangler dev spends its CPU over
 * `messages` more fan-out messages on `sockets` (the app's room or the plain chat's, alike).
 */
export async function profileFanout(persistTo: string, sockets: FrameSocket[], messages: number, tag: string): Promise<FanoutProfile> {
  const run = await isolateSelfTimes(persistTo, () => probeFanout({ sockets, messages, warmup: 0, tag, expectAck: true }));
  return { messages, busyMsPerMessage: Math.round((run.busyMs / messages) * 1000) / 1000, top: run.top.slice(0, 20) };
}

/** One log line of a fan-out profile. */
export function describeFanoutProfile(who: string, p: FanoutProfile): string {
  return `${who} fan-out profile: ${p.busyMsPerMessage} ms of the isolate per message; top: ${describeTop(p.top, 10)}`;
}
