/**
 * The room's single line of work. A Durable Object lets other events in while it
 * awaits Postgres, so without this two sends could commit, or be broadcast, out
 * of order. Every job that writes or replays history runs here, one at a time, in
 * arrival order. Consecutive sends that pile up while a write is in flight are
 * committed together as one batch (group commit): throughput grows with load
 * while each message is still acknowledged only after it is durable.
 */

export interface PendingSend {
  /** Null for the room's own notices ("alice added bob"). */
  senderId: string | null;
  type: 'text' | 'system' | 'call';
  clientId: string;
  content: string;
  replyToSeq: number | null;
  /** Sockets to acknowledge: a resend of a send still in flight joins it here. */
  waiters: WebSocket[];
}

type Job = { kind: 'send'; send: PendingSend } | { kind: 'task'; run: () => Promise<void> };

const sendKey = (senderId: string | null, clientId: string) => `${senderId}\u0000${clientId}`;

export class OrderedPipeline {
  private readonly jobs: Job[] = [];
  /** Sends queued or being committed, by (sender, clientId). */
  private readonly unfinished = new Map<string, PendingSend>();
  private draining = false;

  constructor(
    private readonly commit: (batch: PendingSend[]) => Promise<void>,
    private readonly onJobError: (err: unknown, job: Job) => void,
    private readonly maxBatch = 256,
  ) {}

  /** Queues a send, or attaches `waiter` to the identical send already under way. */
  send(send: Omit<PendingSend, 'waiters'>, waiter?: WebSocket): void {
    const key = sendKey(send.senderId, send.clientId);
    const existing = this.unfinished.get(key);
    if (existing) {
      if (waiter && !existing.waiters.includes(waiter)) existing.waiters.push(waiter);
      return;
    }
    const pending: PendingSend = { ...send, waiters: waiter ? [waiter] : [] };
    this.unfinished.set(key, pending);
    this.jobs.push({ kind: 'send', send: pending });
    void this.drain();
  }

  /** Runs `run` after everything queued before it. */
  run(run: () => Promise<void>): void {
    this.jobs.push({ kind: 'task', run });
    void this.drain();
  }

  get queued(): number {
    return this.jobs.length;
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let job = this.jobs.shift(); job; job = this.jobs.shift()) {
        if (job.kind === 'task') {
          await job.run().catch((err: unknown) => this.onJobError(err, job!));
          continue;
        }
        const batch = [job.send];
        while (batch.length < this.maxBatch && this.jobs[0]?.kind === 'send') {
          batch.push((this.jobs.shift() as Extract<Job, { kind: 'send' }>).send);
        }
        try {
          await this.commit(batch);
        } catch (err) {
          this.onJobError(err, job);
        } finally {
          for (const s of batch) this.unfinished.delete(sendKey(s.senderId, s.clientId));
        }
      }
    } finally {
      this.draining = false;
    }
  }
}

export type { Job as PipelineJob };
