/** How many of one key's jobs run at once in this isolate (in memory: per isolate, not global). */
export class ConcurrencyGate {
  private readonly running = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** A release function, or undefined when `key` already has `max` running. */
  enter(key: string): (() => void) | undefined {
    const now = this.running.get(key) ?? 0;
    if (now >= this.max) return undefined;
    this.running.set(key, now + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const n = (this.running.get(key) ?? 1) - 1;
      if (n) this.running.set(key, n);
      else this.running.delete(key);
    };
  }
}
