import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { errorKind, failureLine } from './log-failure';

const SECRET = 'private message text 7f3a';

function drizzleError(): Error {
  const cause = Object.assign(new Error(`connect ECONNREFUSED while sending ${SECRET}`), { code: 'ECONNREFUSED' });
  return new DrizzleQueryError(`insert into "messages" values ($1)\n    at evil.ts:1`, [SECRET, `\n    at ${SECRET}.ts:9`], cause);
}

describe('failureLine', () => {
  it('names the error by class, code and place, and never prints its message, SQL or parameters', () => {
    const line = failureLine('outbox flush failed', drizzleError(), { room: 'r1', batch: 3 }, { key: 'k1' }, 0)!;
    expect(line).toMatch(/^outbox flush failed: DrizzleQueryError<Error code=ECONNREFUSED at log-failure\.test\.ts:\d+ room=r1 batch=3$/);
    expect(line).not.toContain(SECRET);
    expect(line).not.toContain('insert');
    expect(line).not.toContain('evil');
  });

  it('logs one line per key per window and counts what it held back', () => {
    const err = new TypeError('x');
    expect(failureLine('flush', err, {}, { key: 'k2', everyMs: 1000 }, 10_000)).toBeDefined();
    expect(failureLine('flush', err, {}, { key: 'k2', everyMs: 1000 }, 10_500)).toBeUndefined();
    expect(failureLine('flush', err, {}, { key: 'k2', everyMs: 1000 }, 10_900)).toBeUndefined();
    expect(failureLine('flush', err, {}, { key: 'k3', everyMs: 1000 }, 10_900)).toBeDefined();
    expect(failureLine('flush', err, {}, { key: 'k2', everyMs: 1000 }, 11_000)).toMatch(/\(2 more since the last line\)$/);
  });

  it('stays short whatever it is given', () => {
    const line = failureLine('x'.repeat(1000), new Error('y'), Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, 'z'.repeat(500)])), { everyMs: 0 }, 0)!;
    expect(line.length).toBeLessThanOrEqual(400);
    expect(line).not.toContain('\n');
  });
});

describe('errorKind', () => {
  it('describes thrown non-errors without printing them', () => {
    expect(errorKind(SECRET)).toBe('string');
    expect(errorKind(undefined)).toBe('unknown');
    expect(errorKind({ name: 'Custom', code: 42 })).toBe('Custom code=42');
  });
});
