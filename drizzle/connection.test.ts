import { describe, expect, it } from 'vitest';
import { DatabaseUnavailableError, isDatabaseUnavailable, withDeadline } from './connection';

describe('isDatabaseUnavailable', () => {
  it('recognises deadlines and lost connections, also wrapped by drizzle, but not bad queries', async () => {
    const late = await withDeadline(new Promise(() => {}), 10, 'a query').catch((err: unknown) => err);
    expect(late).toBeInstanceOf(DatabaseUnavailableError);
    expect(isDatabaseUnavailable(late)).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('Failed query: select 1'), { cause: late }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('Connection terminated unexpectedly'), {}))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('too many'), { code: '53300' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('syntax error at or near "selec"'), { code: '42601' }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
  });

  it('recognises an HTTP query whose endpoint or database could not be reached, but not a refused query', () => {
    expect(isDatabaseUnavailable(new Error('Error connecting to database: TypeError: Network connection lost.'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Server error (HTTP status 503): {"message":"database unavailable"}'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(new Error('Server error (HTTP status 413): too large'))).toBe(false);
  });
});
