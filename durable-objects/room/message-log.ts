/**
 * The room's durable message log, in its Durable Object's SQLite storage: the
 * ordering authority and the first place every message lives. A message is
 * acknowledged once it is here (the output gate holds the ack until the write
 * is durable), and Postgres is written behind it from the outbox.
 *
 * What is kept:
 * - the hot tail: the newest messages, contiguous from `tailStart` to `lastSeq`,
 *   with their reactions; at least TAIL_KEPT of them, plus anything not yet
 *   confirmed by Postgres (so a long outage grows the tail, never loses it);
 * - the outbox: which tail messages and read cursors changed since Postgres
 *   last confirmed them, each with a version so a change made while a flush was
 *   in flight is flushed again.
 * Everything older than the tail is in Postgres.
 */
import { addColumnOnce } from '../shared/add-column';
import { forwardMark, type Attachment, type LinkPreview, type WireMessage } from '../protocol';
import { threadSummaryOf } from './thread-summary';
import { checkReaction } from './reaction-limits';

/** Messages kept after Postgres has them: covers every `after=` catch-up (MAX_RESUME_MESSAGES) from the tail. */
export const TAIL_KEPT = 2500;

export type LogMessageType = WireMessage['type'];

export interface NewLogMessage {
  senderId: string | null;
  type: LogMessageType;
  clientId: string;
  content: string;
  replyToSeq: number | null;
  /** A thread reply: its root's seq (checked by the caller: ThreadRootCheck). */
  threadRootSeq?: number;
  /** Image, file and voice messages. */
  attachment?: Attachment;
  /** The preview of the first link, when the sender attached one. */
  linkPreview?: LinkPreview;
}

/** Types people send; only these can be deleted by their sender. */
const MEMBER_TYPES: ReadonlySet<string> = new Set<LogMessageType>(['text', 'image', 'file', 'voice', 'secret']);

export interface ReadCursor {
  userId: string;
  seq: number;
}

export interface FlushBatch {
  messages: { message: WireMessage; version: number }[];
  reads: (ReadCursor & { version: number })[];
}

/** Why a change to a message was refused. */
export type ChangeRefusal = 'not_found' | 'not_yours' | 'not_editable' | 'not_text' | 'too_many_reactions';

/** Whether a message can take thread replies: `ok`, or why not. */
export type ThreadRootCheck = 'ok' | 'not_found' | 'deleted' | 'is_reply' | 'not_a_message';

interface MessageRow {
  seq: number;
  id: string;
  sender_id: string | null;
  client_id: string;
  type: string;
  content: string;
  reply_to_seq: number | null;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  /** JSON of the Attachment, or null. */
  attachment: string | null;
  /** JSON of the LinkPreview, or null. */
  link_preview: string | null;
  thread_root_seq: number | null;
  /** A root's live replies and the newest one's time (kept by recountThread). */
  thread_reply_count: number | null;
  thread_last_reply_at: string | null;
  [key: string]: SqlStorageValue;
}

export class MessageLog {
  /** Bumped on every change, so a flush only confirms the versions it sent. */
  private version: number;

  constructor(
    private readonly sql: SqlStorage,
    private readonly roomId: () => string,
  ) {
    sql.exec(`
      create table if not exists log_messages (
        seq integer primary key, id text not null, sender_id text, client_id text not null,
        type text not null, content text not null, reply_to_seq integer,
        created_at text not null, edited_at text, deleted_at text
      );
      create table if not exists log_reactions (
        seq integer not null, user_id text not null, emoji text not null, created_at text not null,
        primary key (seq, user_id, emoji)
      );
      create table if not exists outbox_messages (seq integer primary key, version integer not null);
      create table if not exists outbox_reads (user_id text primary key, seq integer not null, version integer not null);
    `);
    addColumnOnce(sql, 'log_messages', 'attachment', 'text');
    addColumnOnce(sql, 'log_messages', 'link_preview', 'text');
    addColumnOnce(sql, 'log_messages', 'thread_root_seq', 'integer');
    addColumnOnce(sql, 'log_messages', 'thread_reply_count', 'integer');
    addColumnOnce(sql, 'log_messages', 'thread_last_reply_at', 'text');
    sql.exec('create index if not exists log_messages_thread on log_messages (thread_root_seq, seq) where thread_root_seq is not null');
    this.version =
      sql
        .exec<{ v: number | null }>(
          'select max(v) as v from (select max(version) as v from outbox_messages union all select max(version) from outbox_reads)',
        )
        .one().v ?? 0;
  }

  // ------------------------------------------------------------------ writes

  /** Appends a message as `seq` (the caller's next seq); durable with the caller's other writes. */
  append(seq: number, input: NewLogMessage, now = new Date()): WireMessage {
    const id = crypto.randomUUID();
    const createdAt = now.toISOString();
    this.sql.exec(
      `insert into log_messages (seq, id, sender_id, client_id, type, content, reply_to_seq, created_at, attachment, link_preview, thread_root_seq)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      seq,
      id,
      input.senderId,
      input.clientId,
      input.type,
      input.content,
      input.replyToSeq,
      createdAt,
      input.attachment ? JSON.stringify(input.attachment) : null,
      input.linkPreview ? JSON.stringify(input.linkPreview) : null,
      input.threadRootSeq ?? null,
    );
    this.markDirty(seq);
    return {
      id,
      roomId: this.roomId(),
      seq,
      senderId: input.senderId,
      clientId: input.clientId,
      type: input.type,
      content: input.content,
      ...(input.attachment ? { attachment: input.attachment } : {}),
      ...(input.linkPreview ? { linkPreview: input.linkPreview } : {}),
      ...forwardMark(input.clientId),
      replyToSeq: input.replyToSeq,
      ...(input.threadRootSeq === undefined ? {} : { threadRootSeq: input.threadRootSeq }),
      createdAt,
      editedAt: null,
      deletedAt: null,
      reactions: [],
    };
  }

  /**
   * Whether message `seq` of the tail can be a thread's root: a live message people sent (or a
   * call record), not itself a reply. Answered from storage in the same turn as the send.
   */
  threadRootCheck(seq: number): ThreadRootCheck {
    const row = this.row(seq);
    if (!row) return 'not_found';
    if (row.deleted_at) return 'deleted';
    if (row.thread_root_seq !== null) return 'is_reply';
    return row.type === 'system' ? 'not_a_message' : 'ok';
  }

  /**
   * Counts a tail root's live replies again (after a reply arrived or was deleted) and marks
   * the root changed, so the outbox writes its summary too. Every reply of a tail root is in
   * the tail (replies are newer than their root, and the tail is contiguous to the newest).
   */
  recountThread(rootSeq: number): WireMessage | undefined {
    if (!this.row(rootSeq)) return undefined;
    const { n, last } = this.sql
      .exec<{ n: number; last: string | null }>(
        'select count(*) as n, max(created_at) as last from log_messages where thread_root_seq = ? and deleted_at is null',
        rootSeq,
      )
      .one();
    this.sql.exec('update log_messages set thread_reply_count = ?, thread_last_reply_at = ? where seq = ?', n, last, rootSeq);
    this.markDirty(rootSeq);
    return this.get(rootSeq);
  }

  /** Who took part in a tail root's thread: its root's sender and everyone who replied. */
  threadParticipants(rootSeq: number): string[] {
    return this.sql
      .exec<{ sender_id: string }>(
        'select distinct sender_id from log_messages where (seq = ? or thread_root_seq = ?) and sender_id is not null',
        rootSeq,
        rootSeq,
      )
      .toArray()
      .map((r) => r.sender_id);
  }

  /** A thread's replies in the tail with seq in (after, ∞), oldest first. */
  threadReplies(rootSeq: number, after: number, limit: number): WireMessage[] {
    const rows = this.sql
      .exec<MessageRow>('select * from log_messages where thread_root_seq = ? and seq > ? order by seq limit ?', rootSeq, after, limit)
      .toArray();
    return this.toWire(rows);
  }

  /** The sender's edit of their own text message in the tail. */
  edit(seq: number, senderId: string, content: string): WireMessage | ChangeRefusal {
    const refusal = this.checkOwn(seq, senderId, 'edit');
    if (refusal) return refusal;
    this.sql.exec('update log_messages set content = ?, edited_at = ? where seq = ?', content, new Date().toISOString(), seq);
    this.markDirty(seq);
    return this.get(seq)!;
  }

  /** Tombstones the sender's own message: it keeps its seq, loses its text, attachment and reactions. */
  delete(seq: number, senderId: string): WireMessage | ChangeRefusal {
    const refusal = this.checkOwn(seq, senderId, 'delete');
    if (refusal) return refusal;
    this.sql.exec("update log_messages set content = '', attachment = null, link_preview = null, deleted_at = ? where seq = ?", new Date().toISOString(), seq);
    this.sql.exec('delete from log_reactions where seq = ?', seq);
    this.markDirty(seq);
    return this.get(seq)!;
  }

  /** Adds or removes one user's emoji on a live message in the tail. */
  react(seq: number, userId: string, emoji: string, on: boolean): WireMessage | ChangeRefusal {
    const row = this.row(seq);
    if (!row || row.deleted_at) return 'not_found';
    const existing = this.sql.exec<{ emoji: string }>('select distinct emoji from log_reactions where seq = ?', seq).toArray();
    if (!checkReaction(existing.map((e) => e.emoji), emoji, on).ok) return 'too_many_reactions';
    if (on) {
      this.sql.exec(
        'insert or ignore into log_reactions (seq, user_id, emoji, created_at) values (?, ?, ?, ?)',
        seq,
        userId,
        emoji,
        new Date().toISOString(),
      );
    } else {
      this.sql.exec('delete from log_reactions where seq = ? and user_id = ? and emoji = ?', seq, userId, emoji);
    }
    this.markDirty(seq);
    return this.get(seq)!;
  }

  /** A member's read cursor moved forward (the caller checked it only moves forward). */
  noteRead(userId: string, seq: number): void {
    this.sql.exec(
      `insert into outbox_reads (user_id, seq, version) values (?, ?, ?)
       on conflict (user_id) do update set seq = max(seq, excluded.seq), version = excluded.version`,
      userId,
      seq,
      ++this.version,
    );
  }

  /** Text can be edited; anything a member sent can be deleted by them. */
  private checkOwn(seq: number, senderId: string, change: 'edit' | 'delete'): ChangeRefusal | undefined {
    const row = this.row(seq);
    if (!row || row.deleted_at) return 'not_found';
    // Call records and system lines are the server's: nobody edits or deletes them.
    if (!MEMBER_TYPES.has(row.type)) return 'not_editable';
    if (change === 'edit' && row.type !== 'text') return 'not_text';
    if (row.sender_id !== senderId) return 'not_yours';
    return undefined;
  }

  private markDirty(seq: number): void {
    this.sql.exec(
      'insert into outbox_messages (seq, version) values (?, ?) on conflict (seq) do update set version = excluded.version',
      seq,
      ++this.version,
    );
  }

  // ------------------------------------------------------------------ reads

  /** Smallest seq in the tail; `lastSeq + 1` when the tail is empty. Everything below is in Postgres. */
  tailStart(lastSeq: number): number {
    return this.sql.exec<{ s: number | null }>('select min(seq) as s from log_messages').one().s ?? lastSeq + 1;
  }

  get(seq: number): WireMessage | undefined {
    const row = this.row(seq);
    return row && this.toWire([row])[0];
  }

  /** Tail messages in (after, upTo], oldest first. */
  after(after: number, upTo: number, limit: number): WireMessage[] {
    const rows = this.sql
      .exec<MessageRow>('select * from log_messages where seq > ? and seq <= ? order by seq limit ?', after, upTo, limit)
      .toArray();
    return this.toWire(rows);
  }

  /** Tail messages before `before` (exclusive; undefined: the newest), newest first. */
  before(before: number | undefined, limit: number): WireMessage[] {
    const rows = this.sql
      .exec<MessageRow>('select * from log_messages where seq < ? order by seq desc limit ?', before ?? Number.MAX_SAFE_INTEGER, limit)
      .toArray();
    return this.toWire(rows);
  }

  private row(seq: number): MessageRow | undefined {
    return this.sql.exec<MessageRow>('select * from log_messages where seq = ?', seq).toArray()[0];
  }

  private toWire(rows: MessageRow[]): WireMessage[] {
    if (rows.length === 0) return [];
    const seqs = rows.map((r) => r.seq);
    const reactions = new Map<number, Map<string, string[]>>();
    const low = Math.min(...seqs);
    const high = Math.max(...seqs);
    // Oldest reactor first, emoji in the order they first appeared: the same order Postgres gives.
    for (const r of this.sql.exec<{ seq: number; user_id: string; emoji: string }>(
      'select seq, user_id, emoji from log_reactions where seq between ? and ? order by created_at, rowid',
      low,
      high,
    )) {
      const byEmoji = reactions.get(r.seq) ?? new Map<string, string[]>();
      reactions.set(r.seq, byEmoji);
      byEmoji.set(r.emoji, [...(byEmoji.get(r.emoji) ?? []), r.user_id]);
    }
    const roomId = this.roomId();
    return rows.map((r) => ({
      id: r.id,
      roomId,
      seq: r.seq,
      senderId: r.sender_id,
      clientId: r.client_id,
      type: r.type as LogMessageType,
      content: r.content,
      ...(r.attachment ? { attachment: JSON.parse(r.attachment) as Attachment } : {}),
      ...(r.link_preview ? { linkPreview: JSON.parse(r.link_preview) as LinkPreview } : {}),
      ...forwardMark(r.client_id),
      replyToSeq: r.reply_to_seq,
      ...(r.thread_root_seq === null ? {} : { threadRootSeq: r.thread_root_seq }),
      ...threadSummaryOf(r.thread_reply_count, r.thread_last_reply_at),
      createdAt: r.created_at,
      editedAt: r.edited_at,
      deletedAt: r.deleted_at,
      reactions: [...(reactions.get(r.seq) ?? new Map<string, string[]>())].map(([emoji, userIds]) => ({ emoji, userIds })),
    }));
  }

  // ------------------------------------------------------------------ outbox

  /** Changes Postgres has not confirmed yet, oldest message first. */
  pendingFlush(maxMessages: number): FlushBatch {
    // One statement for the batch and its versions. CROSS JOIN keeps the outbox as the outer
    // loop: a plain join let SQLite scan the whole log on every flush.
    const rows = this.sql
      .exec<MessageRow & { outbox_version: number }>(
        'select m.*, o.version as outbox_version from outbox_messages o cross join log_messages m on m.seq = o.seq order by o.seq limit ?',
        maxMessages,
      )
      .toArray();
    const versions = new Map(rows.map((r) => [r.seq, r.outbox_version]));
    const messages = this.toWire(rows).map((message) => ({ message, version: versions.get(message.seq)! }));
    const reads = this.sql
      .exec<{ user_id: string; seq: number; version: number }>('select user_id, seq, version from outbox_reads')
      .toArray()
      .map((r) => ({ userId: r.user_id, seq: r.seq, version: r.version }));
    return { messages, reads };
  }

  /**
   * Postgres has what `batch` carried: forget what has not changed since. A batch is
   * every outbox message up to its last seq (pendingFlush reads a prefix), and a change
   * made after it was read has a higher version than any in it: one statement confirms it.
   */
  confirmFlushed(batch: FlushBatch): void {
    const lastSeq = batch.messages.at(-1)?.message.seq;
    if (lastSeq !== undefined) {
      const newest = Math.max(...batch.messages.map((m) => m.version));
      this.sql.exec('delete from outbox_messages where seq <= ? and version <= ?', lastSeq, newest);
    }
    for (const read of batch.reads) {
      this.sql.exec('delete from outbox_reads where user_id = ? and version = ?', read.userId, read.version);
    }
  }

  get unflushed(): number {
    return this.sql.exec<{ n: number }>('select count(*) as n from outbox_messages').one().n;
  }

  get hasUnflushed(): boolean {
    return (
      this.sql.exec('select 1 from outbox_messages limit 1').toArray().length > 0 ||
      this.sql.exec('select 1 from outbox_reads limit 1').toArray().length > 0
    );
  }

  /**
   * Drops confirmed messages below the newest `keep`, from the bottom only, so
   * the tail stays contiguous and nothing unconfirmed ever leaves it.
   */
  trim(lastSeq: number, keep = TAIL_KEPT): void {
    const oldestUnconfirmed = this.sql.exec<{ s: number | null }>('select min(seq) as s from outbox_messages').one().s;
    const below = Math.min(lastSeq - keep + 1, oldestUnconfirmed ?? Number.MAX_SAFE_INTEGER);
    this.sql.exec('delete from log_reactions where seq < ?', below);
    this.sql.exec('delete from log_messages where seq < ?', below);
  }
}
