/**
 * Publishes a finished build into the live build directory without ever taking
 * it away from a server that is reading it. `wrangler dev` serves web/build/client
 * and watches it: building in place (Vite empties the directory first) made a
 * running `npm start` die with "ENOENT … scandir web/build/client" whenever a
 * second build ran in the same checkout.
 *
 * The build is made in a staging directory beside the live one, then moved in
 * file by file with rename(2), which replaces each file atomically: the live
 * directory always exists, every file is always complete, new files arrive
 * before the old ones they replace are removed, and unchanged files are not
 * touched (so an identical rebuild does not even reload the dev server).
 * Files only the previous build had are deleted last; a scan that listed one
 * just before can still miss it, the one race left (a rebuild that changes
 * nothing has none).
 * Concurrent publishes in one checkout take turns (a lock directory).
 */
import fs from 'node:fs';
import path from 'node:path';
import { processAlive } from './process-alive';

/** Paths of the regular files under dir, relative to it, with '/' separators. */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((relative) => fs.statSync(path.join(dir, relative), { throwIfNoEntry: false })?.isFile())
    .map((relative) => relative.split(path.sep).join('/'));
}

function sameContent(a: string, b: string): boolean {
  try {
    const sa = fs.statSync(a);
    const sb = fs.statSync(b);
    return sa.size === sb.size && fs.readFileSync(a).equals(fs.readFileSync(b));
  } catch {
    return false;
  }
}

/** Removes empty directories under dir (not dir itself), deepest first. */
function removeEmptyDirs(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const sub = path.join(dir, entry.name);
    removeEmptyDirs(sub);
    if (fs.readdirSync(sub).length === 0) fs.rmdirSync(sub);
  }
}

export interface PublishResult {
  /** Files moved in (new or changed). */
  replaced: number;
  /** Files of the previous build that the new one no longer has. */
  removed: number;
  unchanged: number;
}

/**
 * For each [staged, live] pair in order, moves every file of `staged` into
 * `live` (same filesystem); only then deletes, in each `live`, what the new
 * build no longer has, so the old build's pages keep finding their files until
 * the new one is complete. `staged` is consumed. Serialise callers with
 * withPublishLock.
 */
export function publishDirectories(pairs: [staged: string, live: string][]): PublishResult {
  const result: PublishResult = { replaced: 0, removed: 0, unchanged: 0 };
  const published = pairs.map(([staged, live]) => {
    fs.mkdirSync(live, { recursive: true });
    const files = listFiles(staged);
    for (const file of files) {
      const from = path.join(staged, file);
      const to = path.join(live, file);
      if (sameContent(from, to)) {
        result.unchanged++;
        continue;
      }
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.renameSync(from, to);
      result.replaced++;
    }
    return { live, keep: new Set(files) };
  });
  for (const { live, keep } of published) {
    for (const file of listFiles(live)) {
      if (keep.has(file)) continue;
      fs.rmSync(path.join(live, file), { force: true });
      result.removed++;
    }
    removeEmptyDirs(live);
  }
  return result;
}

/**
 * Runs fn while holding `lockDir` (mkdir is atomic). A lock left by a process
 * that no longer exists is taken over; a live holder is waited for up to timeoutMs.
 */
export async function withPublishLock<T>(lockDir: string, fn: () => T | Promise<T>, timeoutMs = 120_000): Promise<T> {
  const owner = path.join(lockDir, 'pid');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(owner, String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(fs.existsSync(owner) ? fs.readFileSync(owner, 'utf8') : NaN);
      if (Number.isInteger(holder) && !processAlive(holder)) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another build holds ${lockDir} (pid ${holder}); remove it if no build is running`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}
