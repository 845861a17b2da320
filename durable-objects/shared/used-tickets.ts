/**
 * Single-use WebSocket tickets, remembered in the object's own SQLite storage
 * until they expire, so that a ticket leaked from a URL cannot open a second
 * socket. Tickets are bound to one object (a room, or the user's inbox), so the
 * object that accepts the socket is the right place to remember them.
 */
export class UsedTickets {
  constructor(private readonly sql: SqlStorage) {
    sql.exec('create table if not exists used_tickets (ticket_id text primary key, expires_at integer not null)');
  }

  /** Marks a ticket used; false when it already was (a replayed upgrade URL). */
  consume(ticketId: string, expiresAtMs: number, nowMs = Date.now()): boolean {
    this.sql.exec('delete from used_tickets where expires_at < ?', nowMs);
    if (this.sql.exec('select 1 from used_tickets where ticket_id = ?', ticketId).toArray().length > 0) return false;
    this.sql.exec('insert into used_tickets (ticket_id, expires_at) values (?, ?)', ticketId, expiresAtMs);
    return true;
  }
}
