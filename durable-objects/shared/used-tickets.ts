/**
 * Who may open a socket here, as far as this object's own storage knows:
 * - single-use WebSocket tickets, remembered until they expire, so that a ticket
 *   leaked from a URL cannot open a second socket. Tickets are bound to one
 *   object (a room, or the user's inbox), so the object that accepts the socket
 *   is the right place to remember them;
 * - sessions that ended (logout, a session ended from the session list, a password
 *   change, a deleted account, a reused refresh token). The Worker tells every room
 *   of the user and their inbox when it closes a session's sockets; remembering it
 *   here is what lets a ticket upgrade skip the database: a ticket minted before
 *   the session ended (or by an isolate whose live-session answer was stale) is
 *   refused by the object it names, with no Postgres round trip. The inbox's memory
 *   is also what a ticket request asks instead of Postgres (worker/realtime/ticket-caller.ts).
 *
 * Both are held in memory, loaded once when the object wakes, so that opening a socket
 * reads no storage. Storage stays the durable copy, written in the same step for an ended
 * session. A used ticket is written just after the open has been answered: a write in the
 * open's own step would hold the 101 and `ready` until the storage commit (the output
 * gate), which was about a tenth of a warm open (docs/performance.md). Until that commit,
 * the memory refuses a second use; only a crash of the object inside that window (a few
 * ms) would forget the use, and then only for the rest of the ticket's 60 s, for a URL
 * that is single-use in the first place because it may leak into logs.
 */
import { WS_TICKET_TTL_SECONDS } from './tokens';
import { readConfig, type Env } from './env';

/**
 * The shortest time an ended session is remembered. A ticket for it can exist for the
 * ticket's lifetime (60 s) after the last moment any isolate still took the session for
 * live: at most the live-session cache (5 s), or the outage grace (60 s) while Postgres
 * is down. 10 minutes covers both with room to spare (worker/auth/live-sessions.worker.test.ts
 * checks the sum).
 */
export const ENDED_SESSION_MEMORY_MS = 10 * 60_000;
/** Clocks of the isolates that mint and check may differ a little. */
const CLOCK_MARGIN_MS = 60_000;

/**
 * How long an ended session is remembered: also longer than any access token of it
 * can still be presented (its lifetime) plus a ticket minted with it at the last moment,
 * because a ticket request asks the inbox's memory instead of Postgres.
 */
export function endedSessionMemoryMs(accessTokenTtlSeconds: number): number {
  return Math.max(ENDED_SESSION_MEMORY_MS, (accessTokenTtlSeconds + WS_TICKET_TTL_SECONDS) * 1000 + CLOCK_MARGIN_MS);
}

export type Admission = 'ok' | 'ticket_used' | 'session_ended';

const PURGE_EVERY_MS = 60_000;

export class UsedTickets {
  private purgedAt = 0;
  /** Unexpired used tickets: id → expiry (epoch ms). */
  private readonly used = new Map<string, number>();
  /** Used tickets that storage does not hold yet (written once the open has been answered). */
  private unwritten: [ticketId: string, expiresAt: number][] = [];
  /** Remembered ended sessions: id → when to forget them (epoch ms). */
  private readonly ended = new Map<string, number>();

  constructor(
    private readonly sql: SqlStorage,
    /** endedSessionMemoryMs() of the configured access-token lifetime. */
    private readonly endedSessionMemory: number,
    nowMs = Date.now(),
  ) {
    sql.exec('create table if not exists used_tickets (ticket_id text primary key, expires_at integer not null)');
    sql.exec('create table if not exists ended_sessions (session_id text primary key, forget_at integer not null)');
    for (const row of sql.exec<{ ticket_id: string; expires_at: number }>('select ticket_id, expires_at from used_tickets where expires_at >= ?', nowMs)) {
      this.used.set(row.ticket_id, row.expires_at);
    }
    for (const row of sql.exec<{ session_id: string; forget_at: number }>('select session_id, forget_at from ended_sessions where forget_at >= ?', nowMs)) {
      this.ended.set(row.session_id, row.forget_at);
    }
  }

  /** An object's: remembers ended sessions as long as the configured access tokens require. */
  static of(sql: SqlStorage, env: Env): UsedTickets {
    return new UsedTickets(sql, endedSessionMemoryMs(readConfig(env).ACCESS_TOKEN_TTL_SECONDS));
  }

  /**
   * Marks a ticket used; false when it already was (a replayed upgrade URL). Memory only:
   * storage gets it on the next task, after the open's answer has gone (see the top).
   */
  consume(ticketId: string, expiresAtMs: number): boolean {
    if (this.used.has(ticketId)) return false;
    this.used.set(ticketId, expiresAtMs);
    if (this.unwritten.push([ticketId, expiresAtMs]) === 1) setTimeout(() => this.writeUsed(Date.now()), 0);
    return true;
  }

  private writeUsed(nowMs: number): void {
    this.purgeExpired(nowMs);
    const rows = this.unwritten;
    this.unwritten = [];
    for (const [ticketId, expiresAt] of rows) {
      this.sql.exec('insert into used_tickets (ticket_id, expires_at) values (?, ?) on conflict do nothing', ticketId, expiresAt);
    }
  }

  /**
   * Forgets expired tickets and sessions, at most once a minute: a row kept a little
   * longer changes no answer (an expired ticket fails its signature check first, and
   * remembersEnded reads forget_at). Run with the deferred write, off the open's answer.
   */
  private purgeExpired(nowMs: number): void {
    if (nowMs - this.purgedAt < PURGE_EVERY_MS) return;
    this.purgedAt = nowMs;
    for (const [ticketId, expiresAt] of this.used) if (expiresAt < nowMs) this.used.delete(ticketId);
    for (const [sessionId, forgetAt] of this.ended) if (forgetAt < nowMs) this.ended.delete(sessionId);
    this.sql.exec('delete from used_tickets where expires_at < ?', nowMs);
    this.sql.exec('delete from ended_sessions where forget_at < ?', nowMs);
  }

  /** The session's sockets are being closed: no new one of it opens here. Stored in the same step. */
  endSession(sessionId: string, nowMs = Date.now()): void {
    const forgetAt = nowMs + this.endedSessionMemory;
    this.ended.set(sessionId, forgetAt);
    this.sql.exec(
      'insert into ended_sessions (session_id, forget_at) values (?, ?) on conflict (session_id) do update set forget_at = excluded.forget_at',
      sessionId,
      forgetAt,
    );
  }

  /** Whether this session ended within the memory. Memory only: no storage read or commit for the caller. */
  remembersEnded(sessionId: string, nowMs = Date.now()): boolean {
    const forgetAt = this.ended.get(sessionId);
    return forgetAt !== undefined && forgetAt >= nowMs;
  }

  /** Whether a connection may open: its session has not ended here, and its ticket (if any) is unused, which it now consumes. */
  admit(connect: { sessionId: string; ticketId?: string; ticketExpiresAt?: number }, nowMs = Date.now()): Admission {
    if (this.remembersEnded(connect.sessionId, nowMs)) return 'session_ended';
    if (connect.ticketId && !this.consume(connect.ticketId, connect.ticketExpiresAt ?? nowMs)) return 'ticket_used';
    return 'ok';
  }
}

/** The refusal text of each admission failure (both are 401: the credential no longer opens a socket). */
export const ADMISSION_REFUSALS: Record<Exclude<Admission, 'ok'>, string> = {
  ticket_used: 'ticket already used',
  session_ended: 'session ended; sign in again',
};
