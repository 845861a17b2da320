/**
 * What a search box's text means, shared by the server (drizzle/queries/search.ts builds the
 * tsquery from it) and the client (web/app/lib/search-text.ts highlights with it), so both read
 * a query the same way. Pure: no imports, nothing from the database.
 *
 * The syntax is websearch_to_tsquery's: words are all required, "quoted words" are a phrase,
 * `-word` / `-"a phrase"` excludes, `or` between two parts takes either. On top of it, people
 * are assumed to still be typing: a plain word matches words that start with it (`lisb` finds
 * Lisbon) — the last word from PREFIX_MIN_LAST characters, every other word from PREFIX_MIN
 * (a one- or two-letter prefix matches so much of the index that it is no filter, see
 * docs/performance.md). Phrases and exclusions stay whole words.
 *
 * The server never pastes this text into tsquery syntax: a prefix word is letters and digits
 * only (WORD), and everything else goes to phraseto_tsquery as a bound parameter.
 */

/** Runs of letters and digits: how Postgres' 'simple' configuration splits most text into words. */
export const WORD = /[\p{L}\p{N}]+/gu;

/** The last word of the query is a prefix from this many characters. */
export const PREFIX_MIN_LAST = 2;
/** Any other plain word is a prefix from this many characters. */
export const PREFIX_MIN = 3;

/** One operand: a single word (possibly a prefix), or text searched as a phrase. */
export type SearchPiece = { kind: 'word'; word: string; prefix: boolean } | { kind: 'phrase'; text: string; words: string[] };

/** Pieces joined by `or`, possibly excluded as a whole. */
export interface SearchClause {
  exclude: boolean;
  anyOf: SearchPiece[];
}

/** A word to highlight: whole, or any word starting with it. */
export interface HighlightTerm {
  word: string;
  prefix: boolean;
}

export interface SearchQuery {
  /** All required (AND). Empty: the query has no words (punctuation only), so nothing matches. */
  clauses: SearchClause[];
  /** The words to mark in a result (not the excluded ones). */
  highlight: HighlightTerm[];
}

const TOKEN = /-?"[^"]*"?|\S+/g;
const wordsOf = (text: string) => (text.match(WORD) ?? []).map((w) => w.toLowerCase());

export function parseSearchQuery(query: string): SearchQuery {
  type Token = { exclude: boolean; quoted: boolean; text: string; words: string[] } | { or: true };
  const tokens: Token[] = [];
  for (const raw of query.match(TOKEN) ?? []) {
    if (raw.toLowerCase() === 'or') {
      tokens.push({ or: true });
      continue;
    }
    const exclude = raw.startsWith('-') && raw.length > 1;
    const body = exclude ? raw.slice(1) : raw;
    const quoted = body.startsWith('"');
    const text = quoted ? body.replace(/^"|"$/g, '') : body;
    const words = wordsOf(text);
    if (words.length) tokens.push({ exclude, quoted, text, words });
  }
  // The last word someone typed (the one they may still be typing).
  let lastPlain = -1;
  tokens.forEach((t, i) => {
    if (!('or' in t) && !t.exclude && !t.quoted) lastPlain = i;
  });

  const clauses: SearchClause[] = [];
  const highlight = new Map<string, HighlightTerm>();
  const mark = (word: string, prefix: boolean) => {
    const had = highlight.get(word);
    highlight.set(word, { word, prefix: prefix || Boolean(had?.prefix) });
  };
  let joinNext = false;
  tokens.forEach((t, i) => {
    if ('or' in t) {
      // `or` only joins two operands; leading, trailing or doubled it is ignored, as websearch does.
      joinNext = clauses.length > 0;
      return;
    }
    let piece: SearchPiece;
    // One word with punctuation around it (`Lisb?`, `(format`) is still that word being typed;
    // several (`e-mail`, `3.14`, `foo.bar`) go to Postgres' parser, which knows these forms.
    if (!t.quoted && !t.exclude && t.words.length === 1) {
      const word = t.words[0]!;
      const prefix = [...word].length >= (i === lastPlain ? PREFIX_MIN_LAST : PREFIX_MIN);
      piece = { kind: 'word', word, prefix };
    } else {
      piece = { kind: 'phrase', text: t.text, words: t.words };
    }
    if (!t.exclude) {
      if (piece.kind === 'word') mark(piece.word, piece.prefix);
      else for (const w of piece.words) mark(w, false);
    }
    const last = clauses.at(-1);
    if (joinNext && last && !last.exclude && !t.exclude) last.anyOf.push(piece);
    else clauses.push({ exclude: t.exclude, anyOf: [piece] });
    joinNext = false;
  });
  return { clauses, highlight: [...highlight.values()] };
}

/** Whether a word of a text (any case) is one the query's terms mark. */
export function matchesTerm(word: string, terms: readonly HighlightTerm[]): boolean {
  const w = word.toLowerCase();
  return terms.some((t) => (t.prefix ? w.startsWith(t.word) : w === t.word));
}

/**
 * Whether a text matches the query, read as the server's tsquery reads it: every clause holds
 * (an excluded one must not), a clause holds when any of its pieces does, a word is one of the
 * text's words (or starts one, for a prefix), a phrase is its words in a row. For what only the
 * device can read (secret chats, docs/e2e.md), searched where it is kept.
 */
export function matchesSearchQuery(text: string, query: SearchQuery): boolean {
  if (!query.clauses.length) return false;
  const words = wordsOf(text);
  const has = (piece: SearchPiece) => {
    if (piece.kind === 'word') return words.some((w) => (piece.prefix ? w.startsWith(piece.word) : w === piece.word));
    return words.some((_, i) => piece.words.every((p, j) => words[i + j] === p));
  };
  return query.clauses.every((clause) => clause.anyOf.some(has) !== clause.exclude);
}
