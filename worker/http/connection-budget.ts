/**
 * How many Postgres connections one Worker isolate holds at once: a counting
 * semaphore whose waiters give up at a deadline with DatabaseUnavailableError
 * (answered as 503), so a burst queues instead of exhausting the server.
 */
import { DatabaseUnavailableError } from '../../drizzle/connection';

export class ConnectionBudget {
  private inUse = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly max: number) {}

  async acquire(timeoutMs: number): Promise<() => void> {
    if (this.inUse >= this.max) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(wake), 1);
          reject(new DatabaseUnavailableError(`no database connection free within ${timeoutMs} ms`));
        }, timeoutMs);
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        this.waiting.push(wake);
      });
    } else {
      this.inUse += 1;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // Hand the slot straight to the next waiter, or give it back.
      const next = this.waiting.shift();
      if (next) next();
      else this.inUse -= 1;
    };
  }
}

