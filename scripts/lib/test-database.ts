/**
 * The database a test run uses: `edge_chat_test`, dropped and re-created and
 * migrated each run, on DATABASE_URL's server if set, else on the local cluster.
 */
import { createFreshDatabase, ensureLocalPostgres } from './local-postgres';
import { migrateDatabase } from './migrate';

export const TEST_DATABASE_NAME = 'edge_chat_test';

export interface TestDatabase {
  url: string;
  /** Stops the local cluster if this run started it (else a no-op). */
  stopIfStarted(): Promise<void>;
}

export async function prepareTestDatabase(log: (m: string) => void): Promise<TestDatabase> {
  const local = process.env.DATABASE_URL ? undefined : await ensureLocalPostgres({ log });
  const url = await createFreshDatabase(process.env.DATABASE_URL || local!.adminUrl, TEST_DATABASE_NAME);
  await migrateDatabase(url);
  return { url, stopIfStarted: async () => (local?.startedNow ? local.stop() : undefined) };
}
