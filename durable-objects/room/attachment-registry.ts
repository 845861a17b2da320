/**
 * Attachments uploaded to this room and not yet (or already) sent, in the room's
 * own SQLite storage. The Worker's upload route registers each one here by RPC
 * after its bytes are in R2; a `send` frame then names it by id and the room
 * looks it up synchronously, so an attachment message takes the same ordered,
 * exactly-once path as text with no network call and no await before its seq.
 */
import type { Attachment } from '../protocol';

export type AttachmentClaim =
  | { ok: true; attachment: Attachment }
  | { ok: false; why: 'unknown' | 'not_yours' | 'already_sent' };

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

  /** The uploader added a preview image; only before the attachment is sent (the message carries the flag). */
  addThumbnail(uploaderId: string, id: string): boolean {
    const row = this.row(id);
    if (!row || row.uploader_id !== uploaderId || row.claimed_client_id !== null) return false;
    this.sql.exec('update room_attachments set thumbnail = 1 where id = ?', id);
    return true;
  }

  /** Whether `id` was uploaded to this room by `uploaderId` (and may take a thumbnail). */
  isUploader(uploaderId: string, id: string): boolean {
    return this.row(id)?.uploader_id === uploaderId;
  }

  /**
   * A `send` naming `id`: its uploader's, for one message only. The claim is taken
   * when the frame arrives, before the message is appended (at once, or with the
   * next group of sends), so two sends naming one upload can never both have it;
   * the same send again (its clientId) may: it is a resend, stored once anyway.
   */
  claim(senderId: string, id: string, clientId: string): AttachmentClaim {
    const row = this.row(id);
    if (!row) return { ok: false, why: 'unknown' };
    if (row.uploader_id !== senderId) return { ok: false, why: 'not_yours' };
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
    thumbnail: row.thumbnail === 1,
  };
}
