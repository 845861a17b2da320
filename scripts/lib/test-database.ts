/**
 * The database a test run uses: `edge_chat_test`, dropped and re-created and
 * migrated each run, on DATABASE_URL's server if set, else on the local cluster.
 */
import { createFreshDatabase, ensureLocalPostgres } from './local-postgres';
import { migrateDatabase } from './migrate';

export const TEST_DATABASE_NAME = 'edge_chat_test';

export async function prepareTestDatabase(log: (m: string) => void): Promise<string> {
  const adminUrl = process.env.DATABASE_URL || (await ensureLocalPostgres({ log })).adminUrl;
  const url = await createFreshDatabase(adminUrl, TEST_DATABASE_NAME);
  await migrateDatabase(url);
  return url;
}
