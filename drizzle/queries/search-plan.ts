/**
 * How search.ts reads each room for a query with a prefix (issue 25). Both ways take the newest
 * matches room by room (LATERAL) and merge them; they differ in how one room is read:
 *
 * - `planner`: Postgres chooses, from its word statistics, between the GIN index (a rare word)
 *   and reading the room backwards on (room_id, seq) until a page of matches is found (a common
 *   one). Right for whole words: in GIN a word is one key, looked up per room.
 * - `backward`: always the backward reading. GIN answers a prefix (`w50:*`) by collecting the
 *   posting lists of every word with that prefix for the whole table before it can intersect
 *   them with the room, and the LATERAL repeats that per room (50 rooms: 6 s for `w50`, 25 s
 *   for `w20 w30`), a cost the planner does not see. Backward, a room costs the rows read to
 *   find a page: few when the prefix is common, the whole room when it is rare.
 *
 * One EXPLAIN (planning only, no rows read) gives Postgres' estimates of the query's matches,
 * of each prefix's own matches, and of the table's rows. Per room, GIN costs about the prefixes'
 * posting entries (the table-wide matches of each), backward about page × rows / matches; an entry is
 * cheaper than a row read and checked, by BACKWARD_ROW_COST (figures: docs/performance.md,
 * "Prefix search"). A third way, one bitmap scan of the whole table joined to my rooms, was
 * measured and dropped: it fetches every match in the table from the heap to sort it by time.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../connection';
import { messages } from '../schema';
import { parseSearchQuery, type SearchPiece } from './search-terms';

export type SearchPlan = 'planner' | 'backward';

/** One row read backwards and checked against the query costs about this many GIN posting entries collected. */
export const BACKWARD_ROW_COST = 10;

/** The prefix words of the query: each is a partial match in GIN (exclusions are whole words, search-terms.ts). */
export function prefixesOf(query: string): SearchPiece[] {
  return parseSearchQuery(query).clauses.flatMap((c) => c.anyOf.filter((p) => p.kind === 'word' && p.prefix));
}

export interface SearchEstimate {
  /** Messages (all rooms) matching the whole query. */
  matches: number;
  /** Posting entries GIN collects for the query's prefixes: the sum of their own matches. */
  prefixEntries: number;
  /** Rows of the messages table. */
  rows: number;
}

/**
 * Postgres' estimates, from planning alone, in one statement: an Append of one scan per figure,
 * whose children keep their order (the query, each prefix, then the whole table).
 */
export async function estimateSearch(db: Pick<Database, 'execute'>, tsquery: SQL, prefixQueries: SQL[]): Promise<SearchEstimate> {
  const scans = [
    sql`select 1 from ${messages} m where m.search_vector @@ (${tsquery})`,
    ...prefixQueries.map((q) => sql`select 1 from ${messages} m where m.search_vector @@ (${q})`),
    sql`select 1 from ${messages} m`,
  ];
  const { rows } = await db.execute<{ 'QUERY PLAN': unknown }>(sql`explain (format json) ${sql.join(scans, sql` union all `)}`);
  // The json column arrives parsed from node-postgres, and may arrive as text from other drivers.
  const raw = rows[0]?.['QUERY PLAN'];
  const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan?: { Plans?: { 'Plan Rows'?: number }[] } }[] | undefined;
  const counts = (plan?.[0]?.Plan?.Plans ?? []).map((p) => p['Plan Rows']);
  if (counts.length !== scans.length || counts.some((n) => typeof n !== 'number')) throw new Error('search plan: EXPLAIN gave no row estimates');
  const [matches, ...rest] = counts as number[];
  const tableRows = rest.pop()!;
  return { matches: matches!, prefixEntries: rest.reduce((a, b) => a + b, 0), rows: tableRows };
}

/** The way to read each room (file comment): backward when GIN would collect more than the backward reading reads. */
export function planFor(e: SearchEstimate, pageSize: number): SearchPlan {
  const rowsPerPage = (pageSize * e.rows) / Math.max(1, e.matches);
  return rowsPerPage * BACKWARD_ROW_COST < e.prefixEntries ? 'backward' : 'planner';
}

/** `prefixQueries`: each prefix of the query (prefixesOf) as its own tsquery; none, and the planner chooses alone. */
export async function chooseSearchPlan(db: Pick<Database, 'execute'>, tsquery: SQL, prefixQueries: SQL[], pageSize: number): Promise<SearchPlan> {
  if (!prefixQueries.length) return 'planner';
  return planFor(await estimateSearch(db, tsquery, prefixQueries), pageSize);
}
