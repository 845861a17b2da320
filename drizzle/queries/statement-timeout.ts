/**
 * A server-side statement_timeout for one piece of work: `set local` inside a transaction,
 * so it ends with the transaction and never leaks to other work on the same connection.
 * Postgres cancels a statement past it (SQLSTATE 57014) and frees its backend at once;
 * the client-side query_timeout (drizzle/connection.ts) alone would leave it running.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../connection';

export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

export const STATEMENT_TIMEOUT_CODE = '57014';

export async function withStatementTimeout<T>(db: Database, timeoutMs: number, work: (tx: Transaction) => Promise<T>): Promise<T> {
  const ms = Math.max(1, Math.floor(timeoutMs));
  let failure: { err: unknown } | undefined;
  try {
    return await db.transaction(async (tx) => {
      await tx.execute(sql.raw(`set local statement_timeout = ${ms}`));
      return await work(tx).catch((err: unknown) => {
        failure = { err };
        throw err;
      });
    });
  } catch (err) {
    // When the connection dropped mid-query, drizzle's rollback fails too ("not queryable") and
    // its error replaces the one that says what happened: the caller gets the work's own.
    throw failure ? failure.err : err;
  }
}

/** Whether `err` (or what drizzle wrapped) is Postgres cancelling a statement at its timeout. */
export function isStatementTimeout(err: unknown): boolean {
  const e = (err as { cause?: unknown })?.cause ?? err;
  return (e as { code?: string })?.code === STATEMENT_TIMEOUT_CODE;
}
