/**
 * The search's server-side statement_timeout against real Postgres: a statement past it
 * is cancelled by the server (57014), promptly, and the setting ends with its transaction.
 */
import { env } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { drizzleOver, openPool } from '../connection';
import { isStatementTimeout, withStatementTimeout } from './statement-timeout';

describe('withStatementTimeout', () => {
  it('cancels a statement past the timeout on the server, and leaves the connection as it was', async () => {
    const pool = openPool(env);
    const db = drizzleOver(pool);
    try {
      const started = Date.now();
      const err = await withStatementTimeout(db, 200, (tx) => tx.execute(sql`select pg_sleep(3)`)).catch((e: unknown) => e);
      expect(isStatementTimeout(err)).toBe(true);
      expect(Date.now() - started).toBeLessThan(2500);
      const inside = await withStatementTimeout(db, 1234, (tx) => tx.execute<{ t: string }>(sql`select current_setting('statement_timeout') as t`));
      expect(inside.rows[0]?.t).toBe('1234ms');
      const after = await db.execute<{ t: string }>(sql`select current_setting('statement_timeout') as t`);
      expect(after.rows[0]?.t).not.toBe('1234ms');
    } finally {
      await pool.end();
    }
  });
});
