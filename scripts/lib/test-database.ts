/**
 * The database a test run uses: `edge_chat_test_<pid>`, created fresh and
 * migrated for this run and dropped after it, on DATABASE_URL's server if set,
 * else on the local cluster. One per run, so two runs on one machine (a
 * developer's and a colleague's, or CI's) never drop each other's data.
 */
import { createFreshDatabase, databasesStartingWith, dropDatabase, ensureLocalPostgres } from './local-postgres';
import { migrateDatabase } from './migrate';
import { processAlive } from './process-alive';

const TEST_DATABASE_PREFIX = 'edge_chat_test_';

export interface TestDatabase {
  url: string;
  /** Drops this run's database. */
  drop(): Promise<void>;
  /** Stops the local cluster if this run started it (else a no-op). */
  stopIfStarted(): Promise<void>;
}

/** Databases left by runs that were killed before they could drop theirs. */
async function dropAbandoned(adminUrl: string): Promise<void> {
  for (const name of await databasesStartingWith(adminUrl, TEST_DATABASE_PREFIX)) {
    const pid = Number(name.slice(TEST_DATABASE_PREFIX.length));
    if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) await dropDatabase(adminUrl, name);
  }
}

export async function prepareTestDatabase(log: (m: string) => void): Promise<TestDatabase> {
  const local = process.env.DATABASE_URL ? undefined : await ensureLocalPostgres({ log });
  const adminUrl = process.env.DATABASE_URL || local!.adminUrl;
  await dropAbandoned(adminUrl);
  const name = `${TEST_DATABASE_PREFIX}${process.pid}`;
  const url = await createFreshDatabase(adminUrl, name);
  await migrateDatabase(url);
  return {
    url,
    drop: () => dropDatabase(adminUrl, name),
    stopIfStarted: async () => (local?.startedNow ? local.stop() : undefined),
  };
}
