/**
 * What a room keeps in its Durable Object's own SQLite storage, which survives
 * hibernation and restarts: its id, its highest committed seq, a cache of its
 * members, the recent (sender, clientId) → seq map that makes resends idempotent
 * without a Postgres round trip. Messages themselves are in message-log.ts.
 */
import { addColumnOnce } from '../shared/add-column';
import type { MemberState } from '../protocol';

/** How many recent sends are remembered for idempotency: a resend older than that is taken as new (see writeRoomLog). */
const RECENT_SENDS_KEPT = 10_000;

export type CachedMember = Omit<MemberState, 'online'>;

export interface RecentSend {
  id: string;
  seq: number;
  createdAt: string;
}

export class RoomLocalState {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      create table if not exists meta (key text primary key, value text not null);
      create table if not exists members (
        user_id text primary key, username text not null, display_name text not null,
        role text not null, last_read_seq integer not null
      );
      create table if not exists recent_sends (
        sender_id text not null, client_id text not null, id text not null,
        seq integer not null, created_at text not null,
        primary key (sender_id, client_id)
      );
      create index if not exists recent_sends_seq on recent_sends (seq);
      create table if not exists writers (user_id text primary key);
    `);
    addColumnOnce(sql, 'members', 'avatar_id', 'text');
    addColumnOnce(sql, 'members', 'deleted', 'integer not null default 0');
  }

  private readMeta(key: string): string | undefined {
    return this.sql.exec<{ value: string }>('select value from meta where key = ?', key).toArray()[0]?.value;
  }

  private writeMeta(key: string, value: string): void {
    this.sql.exec('insert into meta (key, value) values (?, ?) on conflict (key) do update set value = excluded.value', key, value);
  }

  get roomId(): string | undefined {
    return this.readMeta('room_id');
  }

  set roomId(id: string) {
    this.writeMeta('room_id', id);
  }

  get lastSeq(): number {
    return Number(this.readMeta('last_seq') ?? 0);
  }

  set lastSeq(seq: number) {
    this.writeMeta('last_seq', String(seq));
  }

  /**
   * Whether this room's seq counter has been checked against Postgres once:
   * from then on the room's own storage is the authority and no send waits for
   * the database. (A room created before the room kept its log, or whose storage
   * was lost, learns the highest stored seq first.)
   */
  get seqAuthoritative(): boolean {
    return this.readMeta('seq_authoritative') === '1';
  }

  markSeqAuthoritative(): void {
    this.writeMeta('seq_authoritative', '1');
  }

  /** A direct room whose two people are blocked (either way): no one connects or writes. */
  get blocked(): boolean {
    return this.readMeta('blocked') === '1';
  }

  set blocked(blocked: boolean) {
    this.writeMeta('blocked', blocked ? '1' : '0');
  }

  /** Records that `userId` wrote here; true the first time. */
  noteWriter(userId: string): boolean {
    return this.sql.exec('insert or ignore into writers (user_id) values (?)', userId).rowsWritten > 0;
  }

  get membersLoaded(): boolean {
    return this.readMeta('members_loaded') === '1';
  }

  replaceMembers(members: CachedMember[]): void {
    this.sql.exec('delete from members');
    for (const m of members) {
      this.sql.exec(
        'insert into members (user_id, username, display_name, avatar_id, role, last_read_seq, deleted) values (?, ?, ?, ?, ?, ?, ?)',
        m.userId,
        m.username,
        m.displayName,
        m.avatarId ?? null,
        m.role,
        m.lastReadSeq,
        m.deleted ? 1 : 0,
      );
    }
    this.writeMeta('members_loaded', '1');
  }

  members(): CachedMember[] {
    return this.sql
      .exec<{
        user_id: string;
        username: string;
        display_name: string;
        avatar_id: string | null;
        role: string;
        last_read_seq: number;
        deleted: number;
      }>(
        'select * from members order by username',
      )
      .toArray()
      .map((r) => ({
        userId: r.user_id,
        username: r.username,
        displayName: r.display_name,
        avatarId: r.avatar_id,
        role: r.role as CachedMember['role'],
        lastReadSeq: r.last_read_seq,
        deleted: r.deleted === 1,
      }));
  }

  /** Everyone here but `userId` deleted their account (and someone else was here): nothing can reach them. */
  othersAllDeleted(userId: string): boolean {
    const others = this.sql
      .exec<{ deleted: number }>('select deleted from members where user_id <> ?', userId)
      .toArray();
    return others.length > 0 && others.every((m) => m.deleted === 1);
  }

  isMember(userId: string): boolean {
    return this.sql.exec('select 1 from members where user_id = ?', userId).toArray().length > 0;
  }

  setLastRead(userId: string, seq: number): void {
    this.sql.exec('update members set last_read_seq = max(last_read_seq, ?) where user_id = ?', seq, userId);
  }

  findRecentSend(senderId: string, clientId: string): RecentSend | undefined {
    const row = this.sql
      .exec<{ id: string; seq: number; created_at: string }>(
        'select id, seq, created_at from recent_sends where sender_id = ? and client_id = ?',
        senderId,
        clientId,
      )
      .toArray()[0];
    return row && { id: row.id, seq: row.seq, createdAt: row.created_at };
  }

  rememberSends(sends: { senderId: string; clientId: string; id: string; seq: number; createdAt: string }[]): void {
    for (const s of sends) {
      this.sql.exec(
        'insert or replace into recent_sends (sender_id, client_id, id, seq, created_at) values (?, ?, ?, ?, ?)',
        s.senderId,
        s.clientId,
        s.id,
        s.seq,
        s.createdAt,
      );
    }
    const newest = sends.at(-1)?.seq ?? 0;
    // Pruning by seq keeps the table bounded; a multiple check keeps it off the hot path.
    if (newest % 1000 < sends.length) {
      this.sql.exec('delete from recent_sends where seq <= ?', newest - RECENT_SENDS_KEPT);
    }
  }
}
