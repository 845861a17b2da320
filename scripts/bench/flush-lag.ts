/**
 * Postgres flush lag: messages are acked from the room's storage and written to
 * Postgres behind; how far behind? Ten senders share a paced load (default
 * 1,000 messages/s in one room); a poller reads max(seq) for the room over TCP
 * every few ms, and each seq's lag is the first poll that saw it in Postgres
 * minus the moment its ack arrived (resolution: the poll interval).
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { AppClient, closeAll, type BenchSocket, type BenchUser } from './app-client';
import { mapLimit, round, sleep, summarize, type Summary } from './stats';

export interface FlushLagResult {
  targetPerSecond: number;
  achievedAckedPerSecond: number;
  acked: number;
  errors: number;
  pollIntervalMs: number;
  /** ack → visible in Postgres. */
  lagMs: Summary;
  /** Acked seqs Postgres never showed within the drain bound. */
  neverFlushed: number;
  /** Sends never acked, and the sockets the room closed during the phase (code: count). */
  unacked: number;
  closes: Record<string, number>;
}

export async function measureFlushLag(
  client: AppClient,
  users: BenchUser[],
  databaseUrl: string,
  opts: { perSecond: number; durationMs: number; senders: number; pollIntervalMs: number; drainMs: number; log: (m: string) => void },
): Promise<FlushLagResult> {
  const members = users.slice(0, opts.senders);
  const roomId = await client.createGroup(members[0]!, 'flush lag', members);
  const sockets = await mapLimit(members, 10, (u) => client.openSocket(u, roomId));
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const ackAt = new Map<number, number>();
  const inPostgresAt = new Map<number, number>();
  let errors = 0;
  let sent = 0;
  const closes: Record<string, number> = {};
  try {
    for (const socket of sockets) {
      socket.ws.once('close', (code) => void (closes[String(code)] = (closes[String(code)] ?? 0) + 1));
      socket.onFrame = (frame, at) => {
        if (frame.type === 'ack') ackAt.set(frame.seq, at);
        else if (frame.type === 'error') errors += 1;
      };
    }
    let polling = true;
    let seenMax = 0;
    const poller = (async () => {
      while (polling) {
        const { rows } = await db.query<{ m: string | null }>('select max(seq) as m from messages where room_id = $1', [roomId]);
        const at = performance.now();
        const max = Number(rows[0]?.m ?? 0);
        for (let s = seenMax + 1; s <= max; s++) inPostgresAt.set(s, at);
        seenMax = Math.max(seenMax, max);
        await sleep(opts.pollIntervalMs);
      }
    })();

    // Paced: every tick, send whatever the schedule says is due, round-robin over the senders.
    const start = performance.now();
    while (performance.now() - start < opts.durationMs) {
      const due = Math.floor(((performance.now() - start) / 1000) * opts.perSecond);
      for (; sent < due; sent++) {
        const socket: BenchSocket = sockets[sent % sockets.length]!;
        socket.send({ type: 'send', clientId: `lag-${sent}`, content: `flush lag message ${sent}` });
      }
      await sleep(2);
    }
    const sendingMs = performance.now() - start;
    // Drain: until Postgres shows every acked seq (bounded).
    const drainUntil = performance.now() + opts.drainMs;
    while (performance.now() < drainUntil && (ackAt.size < sent - errors || [...ackAt.keys()].some((s) => !inPostgresAt.has(s)))) await sleep(50);
    polling = false;
    await poller;

    const lags: number[] = [];
    let neverFlushed = 0;
    for (const [seq, at] of ackAt) {
      const seen = inPostgresAt.get(seq);
      if (seen === undefined) neverFlushed += 1;
      else lags.push(Math.max(0, seen - at));
    }
    const result: FlushLagResult = {
      targetPerSecond: opts.perSecond,
      achievedAckedPerSecond: round((ackAt.size / sendingMs) * 1000, 0),
      acked: ackAt.size,
      errors,
      pollIntervalMs: opts.pollIntervalMs,
      lagMs: summarize(lags),
      neverFlushed,
      unacked: sent - errors - ackAt.size,
      closes: { ...closes },
    };
    opts.log(`flush lag at ${opts.perSecond}/s: p50 ${result.lagMs.p50} ms, p99 ${result.lagMs.p99} ms, max ${result.lagMs.max} ms (${neverFlushed} never flushed, ${result.unacked} never acked, closes ${JSON.stringify(result.closes)})`);
    return result;
  } finally {
    await closeAll(sockets);
    await db.end().catch(() => {});
  }
}
