/**
 * Runs a PostgreSQL server tool, switching to the `postgres` OS user when we are
 * root, because initdb and postgres refuse to run as root.
 */
import { execFileSync, spawnSync } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const runningAsRoot = process.getuid?.() === 0;

function lookUpPostgresUser(): { uid: number; gid: number } | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

/**
 * uid/gid of the `postgres` OS user; needed only when running as root. A root
 * machine without one (PostgreSQL binaries from npm, nothing from apt) gets an
 * unprivileged system account of that name, as the postgresql package would create.
 */
export function postgresUser(log: (m: string) => void = console.log): { uid: number; gid: number } {
  const existing = lookUpPostgresUser();
  if (existing) return existing;
  log('running as root and there is no `postgres` OS user: creating one (system account, no login) to run PostgreSQL as');
  const res = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], {
    encoding: 'utf8',
  });
  const created = lookUpPostgresUser();
  if (created) return created;
  throw new Error(
    `Running as root but there is no \`postgres\` OS user to run PostgreSQL as, and useradd failed (${res.error?.message ?? res.stderr.trim()}): ` +
      'create one (useradd -r postgres), or run as an ordinary user',
  );
}

/** Runs `bin args` (as the postgres user if root) in `cwd`, capturing output; never throws on exit code. */
export function runPgTool(bin: string, args: string[], cwd: string): CommandResult {
  const [cmd, argv] = runningAsRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const result = spawnSync(cmd, argv, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) throw new Error(`could not run ${cmd}: ${result.error.message}`);
  return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** Quotes one word for /bin/sh (pg_ctl passes its -o string through a shell). */
export function shellQuote(word: string): string {
  return /^[\w./:=@-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
