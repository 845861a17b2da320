/**
 * The one way server code logs a failure: one bounded line with what failed, the
 * error's kind (class names and codes along its `cause` chain, where it was
 * thrown) and the ids and counts the caller gives. Never the error object or its
 * message: a drizzle error carries the full SQL with every parameter (message
 * text of a whole batch), a JSON error quotes its input, a fetch error its URL.
 * Repeats of one `key` are rate-limited, so an outage writes a line every few
 * seconds per key, not one per failure (a burst of log lines can block workerd
 * on its stdout pipe, and with it every socket of the process).
 */

/** Ids and counts only: never message text, file names, emails or tokens. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface LogFailureOptions {
  /** Rate-limit key (default `what`): at most one line per key per `everyMs`. */
  key?: string;
  /** Default 10 s; 0 logs every time. */
  everyMs?: number;
}

const DEFAULT_EVERY_MS = 10_000;
const MAX_LINE = 400;
const MAX_FIELD = 80;
const MAX_CAUSES = 4;
/** Keys remembered for rate limiting; beyond this the oldest half is forgotten. */
const MAX_KEYS = 500;

const lastLogged = new Map<string, { at: number; suppressed: number }>();

/** Logs `what` failed, with `err`'s kind and `fields`; see the module comment. */
export function logFailure(what: string, err: unknown, fields: LogFields = {}, opts: LogFailureOptions = {}, now = Date.now()): void {
  const line = failureLine(what, err, fields, opts, now);
  if (line) console.error(line);
}

/** The line logFailure would write now, or undefined when rate-limited (exported for tests). */
export function failureLine(what: string, err: unknown, fields: LogFields, opts: LogFailureOptions, now: number): string | undefined {
  const key = opts.key ?? what;
  const every = opts.everyMs ?? DEFAULT_EVERY_MS;
  const last = lastLogged.get(key);
  if (last && every > 0 && now - last.at < every) {
    last.suppressed += 1;
    return undefined;
  }
  if (lastLogged.size >= MAX_KEYS) forgetOldest();
  lastLogged.delete(key); // re-inserted last: the map stays in logging order
  lastLogged.set(key, { at: now, suppressed: 0 });
  const parts = [`${bounded(what)}: ${errorKind(err)}`];
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined) parts.push(`${name}=${bounded(String(value))}`);
  }
  if (last?.suppressed) parts.push(`(${last.suppressed} more since the last line)`);
  const line = parts.join(' ');
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line;
}

/**
 * "DrizzleQueryError<error code=08006" style: each error's class name and code
 * along the cause chain, then where the first was thrown (file:line, no data).
 */
export function errorKind(err: unknown): string {
  const kinds: string[] = [];
  let current: unknown = err;
  for (let i = 0; i < MAX_CAUSES && current !== undefined && current !== null; i++) {
    if (typeof current !== 'object') {
      kinds.push(typeof current);
      break;
    }
    const e = current as { name?: unknown; code?: unknown; constructor?: { name?: string }; cause?: unknown };
    // Some classes (drizzle's DrizzleQueryError) leave `name` at "Error": their constructor says more.
    const ctor = e.constructor?.name;
    const own = typeof e.name === 'string' && e.name ? e.name : undefined;
    const name = (own === 'Error' || !own) && ctor && ctor !== 'Object' ? ctor : (own ?? 'object');
    const code = typeof e.code === 'string' || typeof e.code === 'number' ? ` code=${String(e.code)}` : '';
    kinds.push(bounded(`${name}${code}`));
    current = e.cause;
  }
  const at = thrownAt(err);
  return `${kinds.join('<') || 'unknown'}${at ? ` at ${at}` : ''}`;
}

/**
 * The first stack frame's file:line. Only the frames are read, never the header (which repeats
 * the message), and only a code file's name matches.
 */
function thrownAt(err: unknown): string | undefined {
  const { stack, message } = (err ?? {}) as { stack?: unknown; message?: unknown };
  if (typeof stack !== 'string') return undefined;
  const header = typeof message === 'string' && message ? stack.indexOf(message) : -1;
  if (header < 0 && typeof message === 'string' && message) return undefined;
  const frames = header >= 0 ? stack.slice(header + (message as string).length) : stack;
  const frame = /\n\s+at (?:[^\n]*?\()?(?:[^\n(]*[/\\])?([\w.-]+\.[cm]?[jt]s:\d+)/.exec(frames);
  return frame?.[1];
}

function bounded(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > MAX_FIELD ? `${oneLine.slice(0, MAX_FIELD - 1)}…` : oneLine;
}

function forgetOldest(): void {
  let drop = lastLogged.size / 2;
  for (const key of lastLogged.keys()) {
    if (drop-- <= 0) break;
    lastLogged.delete(key);
  }
}

/** One line for a fan-out's failures (how many of how many, the first one's kind), none when all went well. */
export function logRejections(what: string, results: PromiseSettledResult<unknown>[], fields: LogFields = {}): void {
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length) logFailure(what, failed[0]!.reason, { ...fields, failed: failed.length, of: results.length });
}
