/**
 * Applies drizzle/migrations over plain TCP with node-postgres. Works for the
 * local cluster and for Neon alike (Neon accepts TCP), so no relay is needed.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { migrationsFolder } from './paths';

export async function migrateDatabase(databaseUrl: string): Promise<void> {
  // max 1: migrations run in order on one connection; the pool ends right after.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  pool.on('error', () => {}); // an idle client dropping must not crash the CLI
  try {
    await migrate(drizzle({ client: pool }), { migrationsFolder });
  } catch (err) {
    const where = new URL(databaseUrl);
    // drizzle wraps driver errors ("Failed query: ..."); the cause says what really happened.
    const cause = (err as Error).cause instanceof Error ? ` (${((err as Error).cause as Error).message || String((err as Error).cause)})` : '';
    throw new Error(
      `Migrating ${where.host}${where.pathname} failed: ${(err as Error).message.split('\n')[0]}${cause}\n` +
        'Check that the server is up and DATABASE_URL is right (unset it to use the local PostgreSQL)',
      { cause: err },
    );
  } finally {
    await pool.end();
  }
}
