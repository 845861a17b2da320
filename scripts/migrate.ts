/**
 * `npm run db:migrate`: applies drizzle/migrations to DATABASE_URL (environment
 * or .dev.vars), or else to the project's local PostgreSQL (started if needed).
 */
import { readDevVars } from './lib/dev-vars';
import { ensureLocalPostgres } from './lib/local-postgres';
import { migrateDatabase } from './lib/migrate';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL || readDevVars().DATABASE_URL || (await ensureLocalPostgres()).url;
  await migrateDatabase(url);
  const { host, pathname } = new URL(url);
  console.log(`Migrations applied to ${host}${pathname}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
