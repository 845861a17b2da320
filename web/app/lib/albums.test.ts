import { describe, expect, it } from 'vitest';
import type { WireMessage } from './protocol';
import { albumRows, joinsAlbum } from './albums';

let seq = 0;
function picture(senderId: string, at: string, extra: { albumId?: string; content?: string; deleted?: boolean } = {}): WireMessage {
  seq += 1;
  return {
    id: `m${seq}`,
    roomId: 'r',
    seq,
    senderId,
    clientId: `c${seq}`,
    type: 'image',
    content: extra.content ?? '',
    ...(extra.deleted
      ? {}
      : {
          attachment: {
            id: `a${seq}`,
            kind: 'image' as const,
            name: `p${seq}.png`,
            size: 1,
            contentType: 'image/png',
            width: 1,
            height: 1,
            durationMs: null,
            thumbnail: false,
            ...(extra.albumId ? { albumId: extra.albumId } : {}),
          },
        }),
    replyToSeq: null,
    createdAt: at,
    editedAt: null,
    deletedAt: extra.deleted ? at : null,
    reactions: [],
  };
}
const text = (senderId: string, at: string): WireMessage => ({ ...picture(senderId, at), type: 'text', content: 'hi', attachment: undefined });
const sizes = (rows: WireMessage[][]) => rows.map((r) => r.length);
const never = () => false;

describe('albums', () => {
  it('groups an album, and captionless pictures one sender sent within minutes', () => {
    const rows = albumRows(
      [
        picture('ann', '2026-01-01T10:00:00Z', { albumId: 'x', content: 'the beach' }),
        picture('ann', '2026-01-01T10:00:01Z', { albumId: 'x' }),
        picture('ann', '2026-01-01T10:00:02Z', { albumId: 'x' }),
        // Another album right after: its own grid.
        picture('ann', '2026-01-01T10:00:03Z', { albumId: 'y' }),
        picture('ann', '2026-01-01T10:00:04Z', { albumId: 'y' }),
        // One by one, without albums: together while they come within minutes and without captions.
        picture('ben', '2026-01-01T10:01:00Z'),
        picture('ben', '2026-01-01T10:03:00Z'),
        picture('ben', '2026-01-01T10:09:00Z'),
        picture('ben', '2026-01-01T10:09:30Z', { content: 'this one has words' }),
      ],
      never,
    );
    expect(sizes(rows)).toEqual([3, 2, 2, 1, 1]);
    expect(rows[0]![0]!.content).toBe('the beach');
  });

  it('a text, another sender, a deleted picture or a break in the list ends a run', () => {
    const a = picture('ann', '2026-01-01T10:00:00Z', { albumId: 'x' });
    const b = picture('ann', '2026-01-01T10:00:01Z', { albumId: 'x' });
    expect(joinsAlbum(a, b)).toBe(true);
    expect(joinsAlbum(a, picture('ben', '2026-01-01T10:00:01Z', { albumId: 'x' }))).toBe(false);
    expect(joinsAlbum(a, picture('ann', '2026-01-01T10:00:01Z', { albumId: 'x', deleted: true }))).toBe(false);
    expect(joinsAlbum(a, picture('ann', '2026-01-01T10:00:01Z'))).toBe(false);
    const c = picture('ann', '2026-01-01T10:00:02Z', { albumId: 'x' });
    expect(sizes(albumRows([a, text('ben', '2026-01-01T10:00:01Z'), c], never))).toEqual([1, 1, 1]);
    expect(sizes(albumRows([a, b, c], (m) => m === c))).toEqual([2, 1]);
  });
});
