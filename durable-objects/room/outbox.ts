/**
 * Writes the room's log to Postgres behind it. Flushes run one at a time, at
 * least FLUSH_SPACING_MS apart, in batches of what accumulated meanwhile (group
 * commit without holding any ack), each idempotent (writeRoomLog), each with a
 * deadline. A flush that fails or times out is retried by the object's alarm
 * with backoff, so it survives hibernation, eviction and restarts; nothing is
 * confirmed, or trimmed from the tail, until Postgres answered. The connection
 * closes itself after a few idle seconds (shared/object-database.ts), so a
 * drained room hibernates.
 *
 * Nothing here is on the message path: a send is acked once the room's own
 * storage has it (room-messages.ts), and `changed()` only starts work it never
 * waits for. A failure logs one short, rate-limited line (ids and counts, never
 * the statement or its parameters, which hold the messages' text).
 */
import { writeRoomLog } from '../../drizzle/queries/messages';
import type { Deadlines } from '../shared/deadlines';
import { logFailure } from '../shared/log-failure';
import type { ObjectDatabase } from '../shared/object-database';
import type { FlushBatch, MessageLog } from './message-log';

export const OUTBOX_DEADLINE = 'outbox';
/**
 * Most messages per flush statement: large, so that the flush rate follows the load (a
 * backlog goes in a few big statements, not many small ones); bounded, so one statement
 * stays a few MB even of the longest messages.
 */
const FLUSH_BATCH_MAX = 2000;
/** After failures the batch shrinks to this at least: a statement too big to finish in time never blocks the rest. */
const FLUSH_BATCH_MIN = 50;
/** Characters of content per statement, whatever the count: 500 messages of 4,000 characters. */
const FLUSH_BATCH_CHARS = 2_000_000;
/**
 * Least time between the starts of two flushes. Each flush is a Postgres commit and then a
 * storage commit (the confirmation): a disk flush each. Started back to back, a room taking a
 * message every few ms flushed once per message, and those flushes sat between each append
 * and its own commit: delivery 3.3x the plain chat's in the closed-loop fan-out bench, 1.2-1.6x
 * spaced (docs/performance.md, "The outbox's flush rate"). The first message after a pause
 * is still written at once (on the next task); a stream waits at most this long.
 */
export const FLUSH_SPACING_MS = 25;
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 10_000;
/** One log line per room per this while its flushes keep failing (each line counts the ones held back). */
const FAILURE_LOG_EVERY_MS = 30_000;

export interface OutboxDeps {
  log: MessageLog;
  database: ObjectDatabase;
  deadlines: Deadlines;
  roomId: () => string;
  lastSeq: () => number;
}

export class Outbox {
  private flushing?: Promise<void>;
  private failures = 0;
  /** When the last flush started (ms; the first flush starts at once). */
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  /** Messages per statement now: halved by each failure (a timeout may mean "too big"), doubled back by each success. */
  private batchLimit = FLUSH_BATCH_MAX;
  /** Work that needs what is now in the log to be in Postgres too; run after the next successful flush. */
  private afterFlush: (() => Promise<void>)[] = [];

  constructor(private readonly deps: OutboxDeps) {}

  /**
   * Called after every change to the log: starts a flush now unless one is
   * running (it will pick the change up), with the alarm as the safety net.
   */
  changed(): void {
    // Running: it picks the change up. Failing: the alarm retries after the backoff, not every message.
    if (this.flushing || this.failures > 0) return;
    // If this activation dies before the flush, the alarm runs it.
    this.deps.deadlines
      .ensure(OUTBOX_DEADLINE, Date.now() + RETRY_FIRST_MS)
      .catch((err: unknown) => logFailure('could not arm the outbox alarm', err, { room: this.deps.roomId() }));
    // From the next task: the flush's own synchronous work (reading the batch, building the
    // statement; ~20 ms in a cold isolate) would otherwise run before this turn's storage commit
    // and so before the ack and the broadcast the commit releases (docs/performance.md).
    this.flushing = scheduler
      .wait(0)
      .then(() => this.drain())
      // Nobody awaits this one: a failure outside the flush itself (storage) is logged, and the alarm retries.
      .catch((err: unknown) => logFailure('outbox drain failed', err, { room: this.deps.roomId() }))
      .finally(() => (this.flushing = undefined));
  }

  /** The alarm's turn (after a failure, or a restart with unflushed changes). */
  async retry(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Runs `work` once everything logged so far is in Postgres (lost if the object restarts first). */
  whenFlushed(work: () => Promise<void>): void {
    this.afterFlush.push(work);
    this.changed();
  }

  private runAfterFlush(): void {
    const due = this.afterFlush;
    this.afterFlush = [];
    for (const work of due) work().catch((err: unknown) => logFailure('after-flush work failed', err, { room: this.deps.roomId() }));
  }

  private async drain(): Promise<void> {
    const { log, database, deadlines } = this.deps;
    for (;;) {
      // Wait before reading, so what arrives meanwhile goes in this batch.
      for (let wait: number; (wait = this.lastFlushAt + FLUSH_SPACING_MS - Date.now()) > 0; ) await scheduler.wait(wait);
      const batch = withinChars(log.pendingFlush(this.batchLimit), FLUSH_BATCH_CHARS);
      if (batch.messages.length === 0 && batch.reads.length === 0) {
        // The outbox deadline stays: its alarm finds nothing and is spent. Clearing it here cost a
        // storage commit and an alarm write per flush, and the next message set it again.
        this.runAfterFlush();
        return;
      }
      this.lastFlushAt = Date.now();
      try {
        await database.run('writing the room log to Postgres', (db) =>
          writeRoomLog(
            db,
            this.deps.roomId(),
            batch.messages.map((m) => m.message),
            batch.reads,
          ),
        );
      } catch (err) {
        this.failures += 1;
        this.batchLimit = Math.max(FLUSH_BATCH_MIN, Math.floor(this.batchLimit / 2));
        const wait = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (this.failures - 1));
        this.logFailure(err, batch, wait);
        await deadlines.set(OUTBOX_DEADLINE, Date.now() + wait);
        return;
      }
      this.failures = 0;
      this.batchLimit = Math.min(FLUSH_BATCH_MAX, this.batchLimit * 2);
      log.confirmFlushed(batch);
      log.trim(this.deps.lastSeq());
      if (!log.hasUnflushed) this.runAfterFlush();
    }
  }

  private logFailure(err: unknown, batch: FlushBatch, retryInMs: number): void {
    const room = this.deps.roomId();
    const first = batch.messages[0]?.message.seq;
    const last = batch.messages.at(-1)?.message.seq;
    logFailure(
      'outbox flush failed',
      err,
      { room, messages: batch.messages.length, reads: batch.reads.length, seqs: first === undefined ? 'none' : `${first}-${last}`, attempt: this.failures, retryInMs },
      { key: `outbox flush ${room}`, everyMs: FAILURE_LOG_EVERY_MS },
    );
  }
}

/** The batch's longest prefix within `maxChars` of content (at least one message), and all its reads. */
function withinChars(batch: FlushBatch, maxChars: number): FlushBatch {
  let chars = 0;
  const end = batch.messages.findIndex((m, i) => (chars += m.message.content.length) > maxChars && i > 0);
  return end < 0 ? batch : { messages: batch.messages.slice(0, end), reads: batch.reads };
}
