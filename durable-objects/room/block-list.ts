/**
 * Blocks between members of this room, in the room's own storage: a block applies in
 * every room the two share (not only their direct one). The room learns them from the
 * Worker when one is made or lifted (`setBlockedPair`, as direct rooms learn `setBlocked`)
 * and from Postgres whenever it loads its members. Used at the broadcast sites: presence,
 * typing and read receipts of one of a blocked pair never reach the other's sockets, and
 * neither is shown `online` to the other in `ready`/`members`; an @mention (any
 * activity) from one never reaches the other's inbox.
 */
export class RoomBlockList {
  /** userId → the members separated from them by a block (either way). */
  private cache?: Map<string, Set<string>>;

  constructor(private readonly sql: SqlStorage) {
    sql.exec('create table if not exists room_blocks (a text not null, b text not null, primary key (a, b))');
  }

  /** A block between `x` and `y` was made (true) or no longer exists either way (false). */
  set(x: string, y: string, blocked: boolean): void {
    const [a, b] = x < y ? [x, y] : [y, x];
    if (blocked) this.sql.exec('insert or ignore into room_blocks (a, b) values (?, ?)', a, b);
    else this.sql.exec('delete from room_blocks where a = ? and b = ?', a, b);
    this.cache = undefined;
  }

  /** Every blocked pair among the members, as loaded from Postgres with them. */
  replace(pairs: [string, string][]): void {
    this.sql.exec('delete from room_blocks');
    for (const [x, y] of pairs) this.set(x, y, true);
    this.cache = undefined;
  }

  /** Whether `x` and `y` are separated by a block. */
  separated(x: string, y: string): boolean {
    return this.separatedFrom(x).has(y);
  }

  /** The members separated from `userId` (empty for almost everyone: no lookups on the hot path). */
  separatedFrom(userId: string): ReadonlySet<string> {
    return this.pairs().get(userId) ?? EMPTY;
  }

  /** True when no pair in the room is blocked: the broadcast sites skip filtering. */
  get none(): boolean {
    return this.pairs().size === 0;
  }

  /** For a frame about `subjectId`: may `viewerId` see it? */
  visibleTo(subjectId: string): ((viewerId: string) => boolean) | undefined {
    const hidden = this.separatedFrom(subjectId);
    return hidden.size ? (viewerId) => !hidden.has(viewerId) : undefined;
  }

  private pairs(): Map<string, Set<string>> {
    if (this.cache) return this.cache;
    const map = new Map<string, Set<string>>();
    for (const { a, b } of this.sql.exec<{ a: string; b: string }>('select a, b from room_blocks')) {
      (map.get(a) ?? map.set(a, new Set()).get(a)!).add(b);
      (map.get(b) ?? map.set(b, new Set()).get(b)!).add(a);
    }
    this.cache = map;
    return map;
  }
}

const EMPTY: ReadonlySet<string> = new Set();
