/**
 * Full-text search over messages, for the Worker's /api/search. Postgres' own
 * text search: websearch syntax (quotes for phrases, `-` to exclude, `or`), read by
 * search-terms.ts, with plain words as prefixes (`lisb:*` finds Lisbon), tested
 * against the stored `search_vector` column and its GIN index `messages_search_idx`
 * (drizzle/schema.ts), with the 'simple' configuration (lower-case words, no
 * stemming, no stop words) so every language is searched alike. The query must use
 * the same configuration as the column, or words would not match.
 *
 * Only rooms the searcher is a member of, only live text messages, newest first,
 * keyset-paginated on (created_at, room_id, seq). Postgres is written behind the
 * rooms, so the newest few seconds of a busy room may not be found yet.
 *
 * The newest matches are taken room by room (LATERAL), then merged: per room the
 * planner picks, from the term's frequency statistics, between reading the room
 * backwards on (room_id, seq) until a page of matches is found (a common word) and
 * the GIN index (a rare one). One global GIN scan would have to fetch and sort
 * every match of a common word (see docs/performance.md). For a prefix, whose GIN
 * partial match costs as much in each room as in the whole table, search-plan.ts
 * may choose the backward reading instead; the page and cursor are the same either way.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../connection';
import { messages, roomMembers, rooms, users } from '../schema';
import { parseSearchQuery, type SearchPiece } from './search-terms';
import { chooseSearchPlan, prefixesOf, type SearchPlan } from './search-plan';

export interface SearchCursor {
  createdAt: string;
  roomId: string;
  seq: number;
}

export interface SearchHit {
  roomId: string;
  roomKind: 'direct' | 'group';
  roomName: string | null;
  seq: number;
  senderId: string | null;
  senderUsername: string | null;
  senderDisplayName: string | null;
  /** The whole text: the client highlights the query's words in it (as text, never HTML). */
  content: string;
  createdAt: string;
  /** A thread reply: its root, so that jumping to the hit opens the thread at it. */
  threadRootSeq?: number;
}

export interface SearchOptions {
  userId: string;
  query: string;
  roomId?: string;
  before?: SearchCursor;
  limit: number;
  /** Forces how rooms are read (tests compare both, the bench times both); by default search-plan.ts chooses. */
  plan?: SearchPlan;
}

/**
 * One operand as a tsquery expression, every piece of user text a bound parameter: a prefix
 * word is letters and digits only (search-terms.ts), so `'word':*` cannot carry tsquery
 * syntax; any other text goes through phraseto_tsquery, which reads no operators at all.
 */
export function pieceQuery(piece: SearchPiece): SQL {
  if (piece.kind === 'word') {
    return piece.prefix ? sql`to_tsquery('simple', ${`'${piece.word}':*`})` : sql`to_tsquery('simple', ${`'${piece.word}'`})`;
  }
  return sql`phraseto_tsquery('simple', ${piece.text})`;
}

/** The whole query as one tsquery expression, or null when it has nothing to look for. */
export function tsqueryOf(query: string): SQL | null {
  const { clauses } = parseSearchQuery(query);
  // Only exclusions would read every message of every room: not a search.
  if (!clauses.some((c) => !c.exclude)) return null;
  const parts = clauses.map((c) => {
    const either = sql.join(
      c.anyOf.map((p) => sql`(${pieceQuery(p)})`),
      sql` || `,
    );
    return c.exclude ? sql`!!(${either})` : sql`(${either})`;
  });
  return sql.join(parts, sql` && `);
}

type HitRow = {
  room_id: string;
  kind: 'direct' | 'group';
  name: string | null;
  seq: string;
  sender_id: string | null;
  username: string | null;
  display_name: string | null;
  content: string;
  created_at: string;
  cursor_at: string;
  thread_root_seq: string | null;
};

/** What the search selects of a hit `h` (a messages row), its room `r` and its sender `u`. */
const hitColumns = sql`h.room_id, r.kind, r.name, h.seq, h.sender_id, u.username, u.display_name, h.content, h.thread_root_seq,
      h.created_at, to_char(h.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at`;

/** Live text messages only, and (a later page) only those past the cursor in (created_at, room_id, seq) order. */
function liveTextBefore(before: SearchCursor | undefined): SQL {
  return sql`m.message_type = 'text' and m.deleted_at is null
        ${before ? sql`and (m.created_at, m.room_id, m.seq) < (${before.createdAt}::timestamptz, ${before.roomId}::uuid, ${before.seq})` : sql``}`;
}

/**
 * The newest `limit + 1` matches of each of my rooms (LATERAL), merged: see the file comment.
 * `backward` (search-plan.ts) hides the test from the GIN index: ts_match_vq is the function
 * behind `@@`, which no index answers, so each room is read backwards on (room_id, seq); the
 * tsquery is an InitPlan, built once rather than for every row read.
 */
function perRoomStatement(o: SearchOptions, tsquery: SQL, plan: SearchPlan): SQL {
  const matches = plan === 'backward' ? sql`ts_match_vq(m.search_vector, (select ${tsquery}))` : sql`m.search_vector @@ (${tsquery})`;
  return sql`
    select ${hitColumns}
    from ${roomMembers} me
    join ${rooms} r on r.id = me.room_id
    cross join lateral (
      select m.room_id, m.seq, m.sender_id, m.content, m.created_at, m.thread_root_seq
      from ${messages} m
      where m.room_id = me.room_id
        and ${matches}
        and ${liveTextBefore(o.before)}
      order by m.seq desc
      limit ${o.limit + 1}
    ) h
    left join ${users} u on u.id = h.sender_id
    where me.user_id = ${o.userId} ${o.roomId ? sql`and me.room_id = ${o.roomId}` : sql``}
    order by h.created_at desc, h.room_id desc, h.seq desc
    limit ${o.limit + 1}
  `;
}

export async function searchMessages(db: Pick<Database, 'execute'>, o: SearchOptions): Promise<{ hits: SearchHit[]; next: SearchCursor | null }> {
  const tsquery = tsqueryOf(o.query);
  if (!tsquery) return { hits: [], next: null };
  const plan = o.plan ?? (await chooseSearchPlan(db, tsquery, prefixesOf(o.query).map(pieceQuery), o.limit + 1));
  const rows = await db.execute<HitRow>(perRoomStatement(o, tsquery, plan));
  const list = rows.rows.slice(0, o.limit);
  const hits = list.map((r) => ({
    roomId: r.room_id,
    roomKind: r.kind,
    roomName: r.name,
    seq: Number(r.seq),
    senderId: r.sender_id,
    senderUsername: r.username,
    senderDisplayName: r.display_name,
    content: r.content,
    createdAt: new Date(r.created_at).toISOString(),
    ...(r.thread_root_seq === null ? {} : { threadRootSeq: Number(r.thread_root_seq) }),
  }));
  const last = list.at(-1);
  // Microseconds in the cursor: a millisecond ISO time could skip messages of the same millisecond.
  const next = rows.rows.length > o.limit && last ? { createdAt: last.cursor_at, roomId: last.room_id, seq: Number(last.seq) } : null;
  return { hits, next };
}
