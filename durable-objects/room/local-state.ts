/**
 * What a room keeps in its Durable Object's own SQLite storage, which survives
 * hibernation and restarts: its id, its highest committed seq, a cache of its
 * members, the recent (sender, clientId) → seq map that makes resends idempotent
 * without a Postgres round trip. Messages themselves are in message-log.ts.
 *
 * Storage is the durable copy; the frame path reads only memory. Everything is
 * loaded once when the object wakes (a sender's recent sends on their first
 * send since then) and every change is written through in the same synchronous
 * step as it is made in memory.
 */
import { addColumnOnce } from '../shared/add-column';
import type { MemberState } from '../protocol';

/** How many recent sends are remembered for idempotency: a resend older than that is taken as new (see writeRoomLog). */
const RECENT_SENDS_KEPT = 10_000;

export type CachedMember = Omit<MemberState, 'online'>;
export type Role = CachedMember['role'];

export interface RecentSend {
  id: string;
  seq: number;
  createdAt: string;
}

/** A membership change the Worker made in Postgres, handed to the room so it applies it at once. */
export interface MembershipDelta {
  /** Joined (or re-joined) members, as the room shows them. */
  added?: CachedMember[];
  removed?: string[];
  /** Role changes, including an admin promoted because the last one left. */
  roles?: { userId: string; role: Role }[];
}

interface MemberRow {
  user_id: string;
  username: string;
  display_name: string;
  avatar_id: string | null;
  role: string;
  last_read_seq: number;
  deleted: number;
  [key: string]: SqlStorageValue;
}

export class RoomLocalState {
  private readonly meta = new Map<string, string>();
  private readonly memberMap = new Map<string, CachedMember>();
  /** members() in username order; rebuilt after a membership change, not per frame. */
  private sortedMembers: CachedMember[] | undefined;
  /** Members whose account still exists: "everyone else deleted" is a count away. */
  private undeletedCount = 0;
  private readonly writers = new Set<string>();
  /** Per sender, loaded on their first send since the object woke. */
  private readonly recentSends = new Map<string, Map<string, RecentSend>>();
  // Cached parses of the meta values read per frame.
  private cachedLastSeq = 0;
  private cachedBlocked = false;
  private cachedSecret = false;

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
    for (const { key, value } of sql.exec<{ key: string; value: string }>('select key, value from meta')) this.meta.set(key, value);
    this.cachedLastSeq = Number(this.meta.get('last_seq') ?? 0);
    this.cachedBlocked = this.meta.get('blocked') === '1';
    this.cachedSecret = this.meta.get('secret') === '1';
    for (const row of sql.exec<MemberRow>('select * from members')) this.putInMemory(memberFromRow(row));
    for (const { user_id } of sql.exec<{ user_id: string }>('select user_id from writers')) this.writers.add(user_id);
  }

  private writeMeta(key: string, value: string): void {
    this.meta.set(key, value);
    this.sql.exec('insert into meta (key, value) values (?, ?) on conflict (key) do update set value = excluded.value', key, value);
  }

  get roomId(): string | undefined {
    return this.meta.get('room_id');
  }

  set roomId(id: string) {
    this.writeMeta('room_id', id);
  }

  get lastSeq(): number {
    return this.cachedLastSeq;
  }

  set lastSeq(seq: number) {
    this.cachedLastSeq = seq;
    this.writeMeta('last_seq', String(seq));
  }

  /**
   * Whether this room's seq counter has been checked against Postgres once:
   * from then on the room's own storage is the authority and no send waits for
   * the database. (A room created before the room kept its log, or whose storage
   * was lost, learns the highest stored seq first.)
   */
  get seqAuthoritative(): boolean {
    return this.meta.get('seq_authoritative') === '1';
  }

  markSeqAuthoritative(): void {
    this.writeMeta('seq_authoritative', '1');
  }

  /** Whether the room's secrecy was read from Postgres yet (rooms older than the flag learn it once). */
  get secrecyKnown(): boolean {
    return this.meta.has('secret');
  }

  /** A secret chat (docs/e2e.md): only ciphertext (`send_secret`) is taken. Fixed when the room is made. */
  get secret(): boolean {
    return this.cachedSecret;
  }

  set secret(secret: boolean) {
    this.cachedSecret = secret;
    this.writeMeta('secret', secret ? '1' : '0');
  }

  /** A direct room whose two people are blocked (either way): no one connects or writes. */
  get blocked(): boolean {
    return this.cachedBlocked;
  }

  set blocked(blocked: boolean) {
    this.cachedBlocked = blocked;
    this.writeMeta('blocked', blocked ? '1' : '0');
  }

  /** Records that `userId` wrote here; true the first time. */
  noteWriter(userId: string): boolean {
    if (this.writers.has(userId)) return false;
    this.writers.add(userId);
    this.sql.exec('insert or ignore into writers (user_id) values (?)', userId);
    return true;
  }

  // ------------------------------------------------------------------ members

  get membersLoaded(): boolean {
    return this.meta.get('members_loaded') === '1';
  }

  /**
   * The whole member list, as Postgres has it. A read cursor never moves back:
   * the room's own may be ahead of Postgres until the outbox flushes it.
   */
  replaceMembers(members: CachedMember[]): void {
    const previous = new Map(this.memberMap);
    this.memberMap.clear();
    this.undeletedCount = 0;
    this.sql.exec('delete from members');
    for (const m of members) {
      const lastReadSeq = Math.max(m.lastReadSeq, previous.get(m.userId)?.lastReadSeq ?? 0);
      this.putMember({ ...m, lastReadSeq });
    }
    this.sortedMembers = undefined;
    this.writeMeta('members_loaded', '1');
  }

  /** Applies a change the Worker already made in Postgres; applying one twice changes nothing. */
  applyDelta(delta: MembershipDelta): void {
    for (const userId of delta.removed ?? []) this.removeMember(userId);
    for (const m of delta.added ?? []) {
      this.removeMember(m.userId);
      this.putMember(m);
    }
    for (const { userId, role } of delta.roles ?? []) {
      const member = this.memberMap.get(userId);
      if (!member || member.role === role) continue;
      member.role = role;
      this.sql.exec('update members set role = ? where user_id = ?', role, userId);
    }
    this.sortedMembers = undefined;
  }

  private putMember(m: CachedMember): void {
    this.putInMemory(m);
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

  private putInMemory(m: CachedMember): void {
    this.memberMap.set(m.userId, { ...m });
    if (!m.deleted) this.undeletedCount += 1;
    this.sortedMembers = undefined;
  }

  private removeMember(userId: string): void {
    const member = this.memberMap.get(userId);
    if (!member) return;
    this.memberMap.delete(userId);
    if (!member.deleted) this.undeletedCount -= 1;
    this.sql.exec('delete from members where user_id = ?', userId);
  }

  /** In username order. The array is shared until the next change: callers copy before changing it. */
  members(): readonly CachedMember[] {
    this.sortedMembers ??= [...this.memberMap.values()].sort((a, b) => compareText(a.username, b.username));
    return this.sortedMembers;
  }

  /** Everyone here but `userId` deleted their account (and someone else was here): nothing can reach them. */
  othersAllDeleted(userId: string): boolean {
    const me = this.memberMap.get(userId);
    const others = this.memberMap.size - (me ? 1 : 0);
    const undeletedOthers = this.undeletedCount - (me && !me.deleted ? 1 : 0);
    return others > 0 && undeletedOthers === 0;
  }

  /** The name people see for a member: display name, else username (undefined for a non-member). */
  nameOf(userId: string): string | undefined {
    const member = this.memberMap.get(userId);
    return member ? member.displayName || member.username : undefined;
  }

  isMember(userId: string): boolean {
    return this.memberMap.has(userId);
  }

  lastReadOf(userId: string): number {
    return this.memberMap.get(userId)?.lastReadSeq ?? 0;
  }

  setLastRead(userId: string, seq: number): void {
    const member = this.memberMap.get(userId);
    if (!member || seq <= member.lastReadSeq) return;
    member.lastReadSeq = seq;
    this.sql.exec('update members set last_read_seq = ? where user_id = ?', seq, userId);
  }

  // ------------------------------------------------------------------ recent sends

  findRecentSend(senderId: string, clientId: string): RecentSend | undefined {
    return this.recentSendsOf(senderId).get(clientId);
  }

  private recentSendsOf(senderId: string): Map<string, RecentSend> {
    let sends = this.recentSends.get(senderId);
    if (!sends) {
      sends = new Map();
      const rows = this.sql.exec<{ client_id: string; id: string; seq: number; created_at: string }>(
        'select client_id, id, seq, created_at from recent_sends where sender_id = ?',
        senderId,
      );
      for (const r of rows) sends.set(r.client_id, { id: r.id, seq: r.seq, createdAt: r.created_at });
      this.recentSends.set(senderId, sends);
    }
    return sends;
  }

  rememberSends(sends: { senderId: string; clientId: string; id: string; seq: number; createdAt: string }[]): void {
    for (const s of sends) {
      this.recentSends.get(s.senderId)?.set(s.clientId, { id: s.id, seq: s.seq, createdAt: s.createdAt });
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
      const cutoff = newest - RECENT_SENDS_KEPT;
      this.sql.exec('delete from recent_sends where seq <= ?', cutoff);
      for (const map of this.recentSends.values()) {
        for (const [clientId, send] of map) if (send.seq <= cutoff) map.delete(clientId);
      }
    }
  }
}

function memberFromRow(r: MemberRow): CachedMember {
  return {
    userId: r.user_id,
    username: r.username,
    displayName: r.display_name,
    avatarId: r.avatar_id,
    role: r.role as Role,
    lastReadSeq: r.last_read_seq,
    deleted: r.deleted === 1,
  };
}

/** SQLite's default (binary) order, which `order by username` used: not locale-aware. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
