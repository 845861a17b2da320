/** `npm run db:stop`: stops the project's local PostgreSQL (its data in .data/ stays). */
import { stopLocalPostgres } from './lib/local-postgres';

try {
  console.log(stopLocalPostgres() ? 'Local PostgreSQL stopped' : 'Local PostgreSQL was not running');
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
