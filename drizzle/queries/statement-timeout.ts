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

export function withStatementTimeout<T>(db: Database, timeoutMs: number, work: (tx: Transaction) => Promise<T>): Promise<T> {
  const ms = Math.max(1, Math.floor(timeoutMs));
  return db.transaction(async (tx) => {
    await tx.execute(sql.raw(`set local statement_timeout = ${ms}`));
    return work(tx);
  });
}

/** Whether `err` (or what drizzle wrapped) is Postgres cancelling a statement at its timeout. */
export function isStatementTimeout(err: unknown): boolean {
  const e = (err as { cause?: unknown })?.cause ?? err;
  return (e as { code?: string })?.code === STATEMENT_TIMEOUT_CODE;
}
