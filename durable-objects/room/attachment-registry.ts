/**
 * Attachments uploaded to this room and not yet (or already) sent, in the room's
 * own SQLite storage. The Worker's upload route registers each one here by RPC
 * after its bytes are in R2; a `send` frame then names it by id and the room
 * looks it up synchronously, so an attachment message takes the same ordered,
 * exactly-once path as text with no network call and no await before its seq.
 */
import { SEALED_CONTENT_TYPE, type Attachment } from '../protocol';

/** `thumbnail` column: none, being written to R2 (reserved), stored. */
const THUMBNAIL_NONE = 0;
const THUMBNAIL_STORED = 1;
const THUMBNAIL_WRITING = 2;

export type ThumbnailReservation = 'ok' | 'not_yours' | 'sent' | 'taken';

export type AttachmentClaim =
  | { ok: true; attachment: Attachment }
  | { ok: false; why: 'unknown' | 'not_yours' | 'already_sent' | 'sealed' | 'not_sealed' };

interface AttachmentRow {
  id: string;
  uploader_id: string;
  kind: string;
  name: string;
  size: number;
  content_type: string;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  thumbnail: number;
  claimed_client_id: string | null;
  [key: string]: SqlStorageValue;
}

export class AttachmentRegistry {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      create table if not exists room_attachments (
        id text primary key, uploader_id text not null, kind text not null, name text not null,
        size integer not null, content_type text not null, width integer, height integer,
        duration_ms integer, thumbnail integer not null default 0, claimed_client_id text, created_at text not null
      );
    `);
  }

  /** An upload's bytes are in R2. Registering the same id again changes nothing. */
  register(uploaderId: string, attachment: Attachment): void {
    this.sql.exec(
      `insert or ignore into room_attachments
         (id, uploader_id, kind, name, size, content_type, width, height, duration_ms, thumbnail, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      attachment.id,
      uploaderId,
      attachment.kind,
      attachment.name,
      attachment.size,
      attachment.contentType,
      attachment.width,
      attachment.height,
      attachment.durationMs,
      attachment.thumbnail ? 1 : 0,
      new Date().toISOString(),
    );
  }

  /**
   * The uploader wants to add a preview image: reserved before a byte reaches R2, and
   * only once, only while unsent, so a refused PUT never writes and no two PUTs race.
   */
  reserveThumbnail(uploaderId: string, id: string): ThumbnailReservation {
    const row = this.row(id);
    if (!row || row.uploader_id !== uploaderId) return 'not_yours';
    if (row.claimed_client_id !== null) return 'sent';
    if (row.thumbnail !== THUMBNAIL_NONE) return 'taken';
    this.sql.exec('update room_attachments set thumbnail = ? where id = ?', THUMBNAIL_WRITING, id);
    return 'ok';
  }

  /**
   * The reserved thumbnail's bytes are in R2. False when the attachment was sent (or
   * deleted) while they were written: its message says it has none, and the caller
   * deletes the bytes (the reservation means nobody else wrote that key).
   */
  thumbnailStored(uploaderId: string, id: string): boolean {
    const row = this.row(id);
    if (!row || row.uploader_id !== uploaderId || row.thumbnail !== THUMBNAIL_WRITING) return false;
    if (row.claimed_client_id !== null) return false;
    this.sql.exec('update room_attachments set thumbnail = ? where id = ?', THUMBNAIL_STORED, id);
    return true;
  }

  /** A reserved thumbnail's write failed: it may be tried again. */
  releaseThumbnail(uploaderId: string, id: string): void {
    this.sql.exec(
      'update room_attachments set thumbnail = ? where id = ? and uploader_id = ? and thumbnail = ?',
      THUMBNAIL_NONE,
      id,
      uploaderId,
      THUMBNAIL_WRITING,
    );
  }

  /** An upload not sent yet is its uploader's alone; sent ones (and unknown ids) are the room's. */
  readableBy(userId: string, id: string): boolean {
    const row = this.row(id);
    return !row || row.claimed_client_id !== null || row.uploader_id === userId;
  }

  /** When the oldest upload never sent was registered (epoch ms), if there is one. */
  oldestUnsentAt(): number | undefined {
    const row = this.sql
      .exec<{ at: string | null }>('select min(created_at) as at from room_attachments where claimed_client_id is null')
      .toArray()[0];
    return row?.at ? Date.parse(row.at) : undefined;
  }

  /**
   * A `send` naming `id`: its uploader's, for one message only. The claim is taken
   * when the frame arrives, before the message is appended (at once, or with the
   * next group of sends), so two sends naming one upload can never both have it;
   * the same send again (its clientId) may: it is a resend, stored once anyway.
   */
  claim(senderId: string, id: string, clientId: string, sealed = false): AttachmentClaim {
    const row = this.row(id);
    if (!row) return { ok: false, why: 'unknown' };
    if (row.uploader_id !== senderId) return { ok: false, why: 'not_yours' };
    // Encrypted uploads go only with secret messages, and secret messages only with encrypted uploads.
    if ((row.content_type === SEALED_CONTENT_TYPE) !== sealed) return { ok: false, why: sealed ? 'not_sealed' : 'sealed' };
    if (row.claimed_client_id !== null && row.claimed_client_id !== clientId) return { ok: false, why: 'already_sent' };
    this.sql.exec('update room_attachments set claimed_client_id = ? where id = ?', clientId, id);
    return { ok: true, attachment: toAttachment(row) };
  }

  /**
   * Uploads never sent, registered before `cutoff` (ISO time): forgotten here, their ids
   * returned so that their bytes can be deleted from R2.
   */
  takeAbandoned(cutoff: string): string[] {
    const ids = this.sql
      .exec<{ id: string }>('select id from room_attachments where claimed_client_id is null and created_at < ? limit 100', cutoff)
      .toArray()
      .map((r) => r.id);
    for (const id of ids) this.sql.exec('delete from room_attachments where id = ?', id);
    return ids;
  }

  private row(id: string): AttachmentRow | undefined {
    return this.sql.exec<AttachmentRow>('select * from room_attachments where id = ?', id).toArray()[0];
  }
}

function toAttachment(row: AttachmentRow): Attachment {
  return {
    id: row.id,
    kind: row.kind as Attachment['kind'],
    name: row.name,
    size: row.size,
    contentType: row.content_type,
    width: row.width,
    height: row.height,
    durationMs: row.duration_ms,
    thumbnail: row.thumbnail === THUMBNAIL_STORED,
  };
}
