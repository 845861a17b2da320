/**
 * Locates PostgreSQL server binaries (initdb, pg_ctl). Debian puts them in
 * /usr/lib/postgresql/<major>/bin, off PATH, so PATH is the last resort.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const REQUIRED = ['initdb', 'pg_ctl', 'postgres'];

function hasServerBinaries(dir: string): boolean {
  return REQUIRED.every((bin) => fs.existsSync(path.join(dir, bin)));
}

function fromPgConfig(): string | undefined {
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined; // pg_config absent (it ships with libpq-dev / postgresql-common)
  }
}

function fromDebianLayout(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const majors = fs
    .readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  return majors.map((v) => path.join(root, v, 'bin')).find(hasServerBinaries);
}

function fromPath(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && hasServerBinaries(dir)) return dir;
  }
  return undefined;
}

/** Directory holding initdb, pg_ctl and postgres; throws naming the fix. */
export function findPgBinDir(): string {
  for (const candidate of [fromPgConfig(), fromDebianLayout(), fromPath()]) {
    if (candidate && hasServerBinaries(candidate)) return candidate;
  }
  throw new Error(
    'PostgreSQL binaries not found (initdb, pg_ctl, postgres): apt-get install postgresql, or set DATABASE_URL to an existing database',
  );
}
