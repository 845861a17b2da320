/**
 * A Durable Object has one alarm; a room needs several deadlines (a call's ring
 * timeout, the outbox's next flush). Each is kept by name in the object's SQLite
 * storage and the alarm is set to the earliest, so all of them survive
 * hibernation, eviction and restarts. They are read once per activation and
 * kept in memory (written through): the outbox asks on every write.
 */
export class Deadlines {
  /** What the alarm is set to, as far as this activation knows (undefined: not read yet). */
  private alarmAt?: number | null;
  private readonly byName = new Map<string, number>();

  constructor(
    private readonly sql: SqlStorage,
    private readonly storage: Pick<DurableObjectStorage, 'setAlarm' | 'deleteAlarm' | 'getAlarm'>,
  ) {
    sql.exec('create table if not exists deadlines (name text primary key, at integer not null)');
    for (const { name, at } of sql.exec<{ name: string; at: number }>('select name, at from deadlines')) this.byName.set(name, at);
  }

  /** Sets (or with null clears) the deadline `name`, epoch ms. */
  async set(name: string, at: number | null): Promise<void> {
    if (at === null) {
      this.byName.delete(name);
      this.sql.exec('delete from deadlines where name = ?', name);
    } else {
      this.byName.set(name, at);
      this.sql.exec('insert into deadlines (name, at) values (?, ?) on conflict (name) do update set at = excluded.at', name, at);
    }
    await this.syncAlarm();
  }

  /** Sets `name` unless it is already due at or before `at`: cheap to call on every write. */
  async ensure(name: string, at: number): Promise<void> {
    const current = this.get(name);
    // A scheduled deadline always has the alarm at or before it (set() synced it).
    if (current !== undefined && current <= at) return;
    await this.set(name, at);
  }

  get(name: string): number | undefined {
    return this.byName.get(name);
  }

  /** Names whose time has come, removed from the schedule; call from `alarm()`. */
  takeDue(now = Date.now()): string[] {
    const due = [...this.byName].filter(([, at]) => at <= now).sort((a, b) => a[1] - b[1]).map(([name]) => name);
    for (const name of due) {
      this.byName.delete(name);
      this.sql.exec('delete from deadlines where name = ?', name);
    }
    // The alarm that fired is spent.
    this.alarmAt = null;
    return due;
  }

  /** Points the alarm at the earliest deadline (or clears it). */
  async syncAlarm(): Promise<void> {
    const next = this.byName.size ? Math.min(...this.byName.values()) : null;
    if (this.alarmAt === undefined) this.alarmAt = await this.storage.getAlarm();
    if (next === this.alarmAt) return;
    this.alarmAt = next;
    if (next === null) await this.storage.deleteAlarm();
    else await this.storage.setAlarm(next);
  }

  /** A `setAlarm`/`deleteAlarm` pair bound to one name, for code written against the storage API. */
  alarmFor(name: string): Pick<DurableObjectStorage, 'setAlarm' | 'deleteAlarm'> {
    return {
      setAlarm: (at) => this.set(name, typeof at === 'number' ? at : at.getTime()),
      deleteAlarm: () => this.set(name, null),
    };
  }
}
