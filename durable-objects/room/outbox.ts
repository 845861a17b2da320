/**
 * Writes the room's log to Postgres behind it. Flushes run one at a time, in
 * batches of what accumulated meanwhile (group commit without holding any ack),
 * each idempotent (writeRoomLog), each with a deadline. A flush that fails or
 * times out is retried by the object's alarm with backoff, so it survives
 * hibernation, eviction and restarts; nothing is confirmed, or trimmed from the
 * tail, until Postgres answered. The connection closes itself after a few
 * idle seconds (shared/object-database.ts), so a drained room hibernates.
 */
import { writeRoomLog } from '../../drizzle/queries/messages';
import type { Deadlines } from '../shared/deadlines';
import type { ObjectDatabase } from '../shared/object-database';
import type { MessageLog } from './message-log';

export const OUTBOX_DEADLINE = 'outbox';
/**
 * Most messages per flush statement: large, so that the flush rate follows the load (a
 * backlog goes in a few big statements, not many small ones); bounded, so one statement
 * stays a few MB even of the longest messages (2,000 × 4,000 characters).
 */
const FLUSH_BATCH = 2000;
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 10_000;

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
      .catch((err: unknown) => console.error('could not arm the outbox alarm', err));
    this.flushing = this.drain().finally(() => (this.flushing = undefined));
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
    for (const work of due) work().catch((err: unknown) => console.error('after-flush work failed', err));
  }

  private async drain(): Promise<void> {
    const { log, database, deadlines } = this.deps;
    for (;;) {
      const batch = log.pendingFlush(FLUSH_BATCH);
      if (batch.messages.length === 0 && batch.reads.length === 0) {
        await deadlines.set(OUTBOX_DEADLINE, null);
        // A change that arrived while the alarm was being cleared is still ours to flush.
        if (log.hasUnflushed) continue;
        this.runAfterFlush();
        return;
      }
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
        const wait = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (this.failures - 1));
        console.error(`outbox flush failed (${this.failures} in a row), retrying in ${wait} ms`, err);
        await deadlines.set(OUTBOX_DEADLINE, Date.now() + wait);
        return;
      }
      this.failures = 0;
      log.confirmFlushed(batch);
      log.trim(this.deps.lastSeq());
      if (!log.hasUnflushed) this.runAfterFlush();
    }
  }
}
