/**
 * The members' privacy settings (durable-objects/shared/privacy.ts), in the room's own
 * storage and in memory, so that the broadcast sites decide from memory alone (issue 18's
 * hot-path rule): whose presence (`presence` frames, `online` in `ready`/`members`) and
 * whose read receipts (`read` frames, `lastReadSeq`) each member may see. Loaded from
 * Postgres with the members; the Worker tells the room when a member changes a setting
 * (`privacyChanged`) and the room tells it when two members become contacts here.
 * A member the room has not learned yet is assumed to hide everything until it has.
 */
import {
  presenceShared,
  receiptsShared,
  UNKNOWN_MEMBER_PRIVACY,
  type MemberPrivacy,
} from '../shared/privacy';

export class RoomMemberPrivacy {
  private cache?: { settings: Map<string, MemberPrivacy>; contacts: Set<string> };
  private loadedOnce?: boolean;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      create table if not exists privacy_members (user_id text primary key, last_seen text not null, read_receipts integer not null);
      create table if not exists privacy_contacts (a text not null, b text not null, primary key (a, b));
      create table if not exists privacy_meta (key text primary key);
    `);
  }

  /** Whether the room has loaded its members' settings once (a room older than this feature has not). */
  get loaded(): boolean {
    this.loadedOnce ??= this.sql.exec('select 1 from privacy_meta where key = ?', 'loaded').toArray().length > 0;
    return this.loadedOnce;
  }

  /** Everything, as read from Postgres with the members. */
  replace(settings: [string, MemberPrivacy][], contacts: [string, string][]): void {
    this.sql.exec('delete from privacy_members');
    this.sql.exec('delete from privacy_contacts');
    for (const [userId, s] of settings) this.write(userId, s);
    for (const [a, b] of contacts) this.addContacts(a, b);
    this.sql.exec('insert or ignore into privacy_meta (key) values (?)', 'loaded');
    this.loadedOnce = true;
    this.cache = undefined;
  }

  /** A member changed a setting. */
  set(userId: string, settings: MemberPrivacy): void {
    this.write(userId, settings);
    this.cache = undefined;
  }

  /** Both have now written in their direct chat. */
  addContacts(x: string, y: string): void {
    const [a, b] = x < y ? [x, y] : [y, x];
    this.sql.exec('insert or ignore into privacy_contacts (a, b) values (?, ?)', a, b);
    this.cache = undefined;
  }

  of(userId: string): MemberPrivacy {
    return this.state().settings.get(userId) ?? UNKNOWN_MEMBER_PRIVACY;
  }

  /** May `viewerId` see `subjectId` online (and their last seen)? Always their own. */
  presenceVisible(subjectId: string, viewerId: string): boolean {
    if (subjectId === viewerId) return true;
    const contacts = this.state().contacts.has(pairKey(subjectId, viewerId));
    return presenceShared(this.of(subjectId).lastSeen, this.of(viewerId).lastSeen, contacts);
  }

  /** May `viewerId` see `subjectId`'s read receipts? Always their own (their other devices follow). */
  receiptsVisible(subjectId: string, viewerId: string): boolean {
    return subjectId === viewerId || receiptsShared(this.of(subjectId).readReceipts, this.of(viewerId).readReceipts);
  }

  /** True when every member shows everything to everyone: the broadcast sites skip filtering. */
  open(memberIds: string[]): boolean {
    return memberIds.every((id) => {
      const s = this.of(id);
      return s.lastSeen === 'everyone' && s.readReceipts;
    });
  }

  private write(userId: string, s: MemberPrivacy): void {
    this.sql.exec(
      'insert into privacy_members (user_id, last_seen, read_receipts) values (?, ?, ?) on conflict (user_id) do update set last_seen = excluded.last_seen, read_receipts = excluded.read_receipts',
      userId,
      s.lastSeen,
      s.readReceipts ? 1 : 0,
    );
  }

  /** Read from storage once per wake (or after a change), never per frame. */
  private state() {
    if (this.cache) return this.cache;
    const settings = new Map<string, MemberPrivacy>();
    for (const r of this.sql.exec<{ user_id: string; last_seen: string; read_receipts: number }>('select * from privacy_members')) {
      settings.set(r.user_id, { lastSeen: r.last_seen as MemberPrivacy['lastSeen'], readReceipts: r.read_receipts === 1 });
    }
    const contacts = new Set<string>();
    for (const r of this.sql.exec<{ a: string; b: string }>('select a, b from privacy_contacts')) contacts.add(pairKey(r.a, r.b));
    this.cache = { settings, contacts };
    return this.cache;
  }
}

function pairKey(x: string, y: string): string {
  return x < y ? `${x}:${y}` : `${y}:${x}`;
}
