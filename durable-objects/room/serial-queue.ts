/**
 * One line of work for the room's slower jobs (call state changes, membership
 * reloads, changes to messages older than the tail): a Durable Object lets other
 * events in while a job awaits the network, so without it two such jobs could
 * interleave. Messages themselves never wait here: they are written to the
 * room's own storage synchronously (message-log.ts).
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly onError: (err: unknown) => void) {}

  /** Runs `job` after every job queued before it; resolves when it is done. */
  run(job: () => Promise<void>): Promise<void> {
    const done = this.tail.then(job).catch(this.onError);
    this.tail = done;
    return done;
  }

  /** Like `run`, for a job whose value (or failure) its caller takes: the line goes on either way. */
  value<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job);
    this.tail = result.then(
      () => {},
      () => {},
    );
    return result;
  }
}
