/**
 * Sustained persisted messages per second in one room. Several senders each
 * keep a window of sends in flight (pipelining, distinct clientIds) so the
 * room always has a queue: that is what lets its pipeline commit in batches.
 * Acks count (an ack means the message is durable in the room's own storage),
 * and so does the moment Postgres, written behind, holds them all (polled over
 * TCP). Afterwards the room's rows are read back and checked: every acked message
 * stored exactly once, at the seq its ack named, seqs contiguous from 1.
 * Flush batch sizes are read from the same rows: the rows one outbox flush (one
 * statement, one transaction) wrote share its transaction id, xmin.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { AppClient, closeAll, type BenchSocket, type BenchUser } from './app-client';
import { sampleRss } from './processes';
import { mapLimit, round, summarize, sleep, type Summary } from './stats';

export interface ThroughputOptions {
  senders: number;
  /** Sends in flight per sender. */
  window: number;
  /** Upper bound on messages sent. */
  maxMessages: number;
  /** Upper bound on the sending time. */
  durationMs: number;
  /** How long to wait for the last acks once sending stopped. */
  drainMs: number;
  /**
   * How long Postgres (written behind) may take to hold every acked message before the
   * exactly-once check reads it: a check that ran earlier would count unflushed rows as lost.
   */
  postgresDrainMs: number;
  log: (m: string) => void;
}

export interface ExactlyOnceCheck {
  ok: boolean;
  acked: number;
  storedInRoom: number;
  /** Acked (sender, clientId) pairs with no row. */
  missing: number;
  /** Acked pairs stored more than once (the unique index should make this impossible). */
  duplicates: number;
  /** Rows whose seq differs from the seq their ack named. */
  seqMismatches: number;
  /** Seqs run 1..max with no gap and no repeat. */
  contiguous: boolean;
  maxSeq: number;
  /** Stored rows nobody got an ack for (possible only if acks were lost at the end). */
  storedWithoutAck: number;
}

export interface ThroughputResult {
  senders: number;
  windowPerSender: number;
  sent: number;
  acked: number;
  errorFrames: number;
  errorSamples: string[];
  unacked: number;
  elapsedMs: number;
  /** Acked (durable in the room's storage) per second. */
  persistedPerSecond: number;
  /**
   * Postgres, written behind: how long after the last ack it held every acked message, and
   * acked messages per second counted up to that moment (null: not within postgresDrainMs).
   */
  postgres: { caughtUpMsAfterLastAck: number | null; persistedPerSecond: number | null };
  /** Acks per whole second of the run, first to last (shows warm-up and stalls). */
  perSecondTimeline: number[];
  /** Under this load: send → ack. */
  ackLatencyMs: Summary;
  groupCommit: { commits: number; batchSize: Summary; meanCommitIntervalMs: number };
  /** workerd RSS at the start, the peak (sampled every 200 ms) and the end of the phase. */
  workerdRssKb?: { startKb: Record<string, number>; peakKb: Record<string, number>; endKb: Record<string, number> };
  check: ExactlyOnceCheck;
}

interface Acked {
  senderId: string;
  clientId: string;
  seq: number;
}

export async function measureThroughput(
  client: AppClient,
  users: BenchUser[],
  databaseUrl: string,
  opts: ThroughputOptions & { workerdPids?: Record<string, number> },
): Promise<ThroughputResult> {
  const members = users.slice(0, opts.senders);
  const rss = opts.workerdPids && sampleRss(opts.workerdPids);
  const roomId = await client.createGroup(members[0]!, 'throughput', members);
  const sockets = await mapLimit(members, 10, (u) => client.openSocket(u, roomId));
  opts.log(`throughput: ${sockets.length} senders × ${opts.window} in flight, up to ${opts.maxMessages} messages or ${opts.durationMs / 1000} s`);

  const acked: Acked[] = [];
  const latencies: number[] = [];
  const ackTimes: number[] = [];
  const errorSamples: string[] = [];
  let errorFrames = 0;
  let sent = 0;
  const start = performance.now();
  const stopSendingAt = start + opts.durationMs;
  let allDone!: () => void;
  const finished = new Promise<void>((resolve) => (allDone = resolve));
  const inflight = new Map<BenchSocket, Map<string, number>>();

  const sendNext = (socket: BenchSocket) => {
    if (sent >= opts.maxMessages || performance.now() > stopSendingAt) {
      if ([...inflight.values()].every((m) => m.size === 0)) allDone();
      return;
    }
    const clientId = `tp-${sent++}`;
    inflight.get(socket)!.set(clientId, performance.now());
    socket.send({ type: 'send', clientId, content: `throughput message ${clientId}` });
  };

  for (const socket of sockets) {
    const mine = new Map<string, number>();
    inflight.set(socket, mine);
    socket.onFrame = (frame, at) => {
      if (frame.type === 'ack') {
        const t0 = mine.get(frame.clientId);
        if (t0 === undefined) return;
        mine.delete(frame.clientId);
        latencies.push(at - t0);
        ackTimes.push(at);
        acked.push({ senderId: socket.user.id, clientId: frame.clientId, seq: frame.seq });
        sendNext(socket);
      } else if (frame.type === 'error') {
        errorFrames += 1;
        if (errorSamples.length < 5) errorSamples.push(`${frame.code}: ${frame.message}`);
        // Not resent: a refused send shows up as unacked, which is what we want to see.
        if (frame.clientId) mine.delete(frame.clientId);
        sendNext(socket);
      }
    };
  }
  for (const socket of sockets) for (let i = 0; i < opts.window; i++) sendNext(socket);

  // Bounded in time whatever happens: sending stops at the deadline, acks get drainMs more.
  await Promise.race([finished, sleep(opts.durationMs + opts.drainMs)]);
  const end = ackTimes.length ? ackTimes.reduce((a, b) => Math.max(a, b)) : performance.now();
  const unacked = [...inflight.values()].reduce((n, m) => n + m.size, 0);
  const workerdRssKb = rss?.stop();
  await closeAll(sockets);
  // Acks come from the room's own storage; Postgres is written behind. When did it hold them all?
  const maxAckedSeq = acked.reduce((m, a) => Math.max(m, a.seq), 0);
  const inPostgresAt = await waitForPostgres(databaseUrl, roomId, maxAckedSeq, opts.postgresDrainMs);

  const elapsedMs = end - start;
  const timeline: number[] = [];
  for (const t of ackTimes) {
    const bucket = Math.floor((t - start) / 1000);
    timeline[bucket] = (timeline[bucket] ?? 0) + 1;
  }
  const { check, batchSizes } = await verify(databaseUrl, roomId, acked);
  const result: ThroughputResult = {
    senders: sockets.length,
    windowPerSender: opts.window,
    sent,
    acked: acked.length,
    errorFrames,
    errorSamples,
    unacked,
    elapsedMs: round(elapsedMs, 0),
    persistedPerSecond: round((acked.length / elapsedMs) * 1000, 0),
    postgres:
      inPostgresAt === null
        ? { caughtUpMsAfterLastAck: null, persistedPerSecond: null }
        : {
            caughtUpMsAfterLastAck: round(Math.max(0, inPostgresAt - end), 0),
            persistedPerSecond: round((acked.length / (Math.max(inPostgresAt, end) - start)) * 1000, 0),
          },
    perSecondTimeline: Array.from(timeline, (n) => n ?? 0),
    ackLatencyMs: summarize(latencies),
    groupCommit: {
      commits: batchSizes.length,
      batchSize: summarize(batchSizes, 1),
      meanCommitIntervalMs: round(elapsedMs / (batchSizes.length || 1)),
    },
    workerdRssKb,
    check,
  };
  opts.log(
    `throughput: ${result.persistedPerSecond} persisted msg/s (${result.acked} acked in ${result.elapsedMs} ms), ` +
      `Postgres caught up ${result.postgres.caughtUpMsAfterLastAck} ms after the last ack (${result.postgres.persistedPerSecond} msg/s); ` +
      `${result.groupCommit.commits} commits, mean batch ${result.groupCommit.batchSize.mean}; exactly-once ${check.ok ? 'ok' : 'FAILED'}`,
  );
  return result;
}

/** Polls max(seq) until Postgres holds `seq` for the room; performance.now() when it did, or null after `timeoutMs`. */
async function waitForPostgres(databaseUrl: string, roomId: string, seq: number, timeoutMs: number): Promise<number | null> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const { rows } = await db.query<{ m: string | null }>('select max(seq) as m from messages where room_id = $1', [roomId]);
      if (Number(rows[0]?.m ?? 0) >= seq) return performance.now();
      await sleep(10);
    }
    return null;
  } finally {
    await db.end();
  }
}

async function verify(databaseUrl: string, roomId: string, acked: Acked[]): Promise<{ check: ExactlyOnceCheck; batchSizes: number[] }> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ seq: string; sender_id: string | null; client_id: string }>(
      'select seq, sender_id, client_id from messages where room_id = $1 order by seq',
      [roomId],
    );
    const stored = new Map<string, number[]>();
    let contiguous = true;
    rows.forEach((r, i) => {
      if (Number(r.seq) !== i + 1) contiguous = false;
      const key = `${r.sender_id}:${r.client_id}`;
      stored.set(key, [...(stored.get(key) ?? []), Number(r.seq)]);
    });
    let missing = 0;
    let duplicates = 0;
    let seqMismatches = 0;
    const ackedKeys = new Set<string>();
    for (const a of acked) {
      const key = `${a.senderId}:${a.clientId}`;
      ackedKeys.add(key);
      const seqs = stored.get(key);
      if (!seqs) missing += 1;
      else if (seqs.length > 1) duplicates += 1;
      else if (seqs[0] !== a.seq) seqMismatches += 1;
    }
    const benchRows = rows.filter((r) => r.client_id.startsWith('tp-'));
    const storedWithoutAck = benchRows.filter((r) => !ackedKeys.has(`${r.sender_id}:${r.client_id}`)).length;
    // One transaction per flush: its rows share xmin (a row a replayed flush rewrote counts in the later one).
    const commits = await db.query<{ n: string }>(
      "select count(*) as n from messages where room_id = $1 and client_id like 'tp-%' group by xmin::text",
      [roomId],
    );
    const maxSeq = rows.length ? Number(rows.at(-1)!.seq) : 0;
    return {
      check: {
        ok: missing === 0 && duplicates === 0 && seqMismatches === 0 && contiguous && ackedKeys.size === acked.length,
        acked: acked.length,
        storedInRoom: rows.length,
        missing,
        duplicates,
        seqMismatches,
        contiguous,
        maxSeq,
        storedWithoutAck,
      },
      batchSizes: commits.rows.map((r) => Number(r.n)),
    };
  } finally {
    await db.end();
  }
}
