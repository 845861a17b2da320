/**
 * A chat's "Media, files and links": its pictures, its files, or its messages with a link,
 * newest first, by keyset on seq. Deleted messages, the ones the reader deleted for
 * themselves, and secret chats' messages (type `secret`: ciphertext the server cannot read)
 * are never listed. The room's object holds what Postgres may not have yet; `isMediaOf`
 * applies the same rule to those messages, so both halves of a page agree.
 */
import { and, desc, eq, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../connection';
import { hiddenMessages, messages } from '../schema';
import type { WireMessage } from '../../durable-objects/protocol';
import { messageColumns, toWireMessage } from './messages';

export const MEDIA_KINDS = ['pictures', 'files', 'links'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** A link is an http(s) URL anywhere in the text: the same test in SQL (case-insensitive) and here. */
const LINK_SQL_PATTERN = 'https?://';
const LINK_PATTERN = /https?:\/\//i;
/** Messages whose text may hold a link (a call record's or system line's never does). */
const TEXT_TYPES = ['text', 'image', 'file', 'voice'] as const;

export function isMediaOf(m: WireMessage, kind: MediaKind): boolean {
  if (m.deletedAt) return false;
  if (kind === 'pictures') return m.type === 'image';
  if (kind === 'files') return m.type === 'file';
  return (TEXT_TYPES as readonly string[]).includes(m.type) && LINK_PATTERN.test(m.content);
}

function kindWhere(kind: MediaKind): SQL {
  if (kind === 'pictures') return eq(messages.messageType, 'image');
  if (kind === 'files') return eq(messages.messageType, 'file');
  return and(inArray(messages.messageType, [...TEXT_TYPES]), sql`${messages.content} ~* ${LINK_SQL_PATTERN}`)!;
}

/** Postgres' part of a page: `kind` messages of the room strictly before `before`, newest first. */
export async function mediaBefore(db: Database, roomId: string, userId: string, kind: MediaKind, before: number, limit: number): Promise<WireMessage[]> {
  const rows = await db
    .select(messageColumns)
    .from(messages)
    .where(
      and(
        eq(messages.roomId, roomId),
        lt(messages.seq, before),
        isNull(messages.deletedAt),
        kindWhere(kind),
        sql`not exists (select 1 from ${hiddenMessages} h where h.user_id = ${userId} and h.room_id = ${roomId} and h.seq = ${messages.seq})`,
      ),
    )
    .orderBy(desc(messages.seq))
    .limit(limit);
  return rows.map((row) => toWireMessage(row));
}

/** Which of `seqs` the user deleted for themselves. */
export async function hiddenAmong(db: Database, userId: string, roomId: string, seqs: number[]): Promise<Set<number>> {
  if (seqs.length === 0) return new Set();
  const rows = await db
    .select({ seq: hiddenMessages.seq })
    .from(hiddenMessages)
    .where(and(eq(hiddenMessages.userId, userId), eq(hiddenMessages.roomId, roomId), inArray(hiddenMessages.seq, seqs)));
  return new Set(rows.map((r) => r.seq));
}
