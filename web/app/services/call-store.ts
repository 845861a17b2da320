/**
 * What a call client (1-to-1: call-client.ts, group: group-call-client.ts) is to React: an
 * external store with an immutable snapshot (useSyncExternalStore), plus the timers of the
 * call, all cleared together when it is over.
 */
export abstract class CallStore<S extends object> {
  private listeners = new Set<() => void>();
  private timers = new Set<ReturnType<typeof setTimeout>>();

  protected constructor(protected snapshot: S) {}

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): S => this.snapshot;

  protected set(patch: Partial<S>) {
    this.replace({ ...this.snapshot, ...patch });
  }

  protected replace(snapshot: S) {
    this.snapshot = snapshot;
    for (const fn of this.listeners) fn();
  }

  protected later(ms: number, fn: () => void) {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  protected clearTimers() {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  protected forgetListeners() {
    this.listeners.clear();
  }
}
