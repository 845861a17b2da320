/**
 * Link previews the Worker fetched for this room (POST /api/rooms/:roomId/link-previews
 * registers each one here by RPC), in the room's own SQLite storage. A `send` frame
 * naming a link takes its preview from here synchronously, so a message with a
 * preview takes the same path as any other (no network call before its seq), and the
 * preview is the one the Worker fetched, never text the sender made up.
 */
import type { LinkPreview } from '../protocol';

/** Previews older than this are forgotten (the sender fetches again; the Worker's R2 cache answers). */
export const LINK_PREVIEW_KEPT_MS = 24 * 3600_000;

export class LinkPreviewRegistry {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`create table if not exists room_link_previews (url text primary key, preview text not null, fetched_at integer not null)`);
  }

  remember(preview: LinkPreview, now = Date.now()): void {
    this.sql.exec('insert or replace into room_link_previews (url, preview, fetched_at) values (?, ?, ?)', preview.url, JSON.stringify(preview), now);
    this.sql.exec('delete from room_link_previews where fetched_at < ?', now - LINK_PREVIEW_KEPT_MS);
  }

  /** The preview of `url` (a previewKeyOf spelling), if the Worker fetched one lately. */
  find(url: string, now = Date.now()): LinkPreview | undefined {
    const row = this.sql
      .exec<{ preview: string }>('select preview from room_link_previews where url = ? and fetched_at >= ?', url, now - LINK_PREVIEW_KEPT_MS)
      .toArray()[0];
    return row ? (JSON.parse(row.preview) as LinkPreview) : undefined;
  }
}
