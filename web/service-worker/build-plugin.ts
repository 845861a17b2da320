/**
 * Writes /sw.js into the client build: web/service-worker/sw.js with the build's file list
 * (every file of web/build/client) and a version derived from it, so a new
 * build installs a new service worker that drops the old caches.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';

/**
 * Files the service worker must not precache: itself, source maps, Vite's own manifests, and
 * Workers Assets' configuration files (`_headers`, `_redirects`), which are never served:
 * one missing file fails the whole precache, and the worker never installs.
 */
const skip = (file: string) =>
  file === 'sw.js' || file.endsWith('.map') || file.startsWith('.vite/') || file === '_headers' || file === '_redirects';

function listFiles(dir: string, base = dir): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full, base) : [path.relative(base, full).split(path.sep).join('/')];
  });
}

export function serviceWorker(options: { source: string }): Plugin {
  let clientDir: string | undefined;
  return {
    name: 'edge-chat:service-worker',
    apply: 'build',
    writeBundle(output) {
      // The Remix plugin builds twice (web/build/client, then web/build/server) and writes the
      // browser's route manifest into the client directory during the server build: the file list
      // is written after each build, the last one complete.
      const dir = output.dir && ['client', 'server'].includes(path.basename(output.dir)) ? output.dir : undefined;
      clientDir = dir && path.join(path.dirname(dir), 'client');
    },
    closeBundle() {
      if (!clientDir || !fs.existsSync(clientDir)) return;
      const files = listFiles(clientDir)
        .filter((f) => !skip(f))
        .map((f) => `/${f}`)
        .sort();
      const version = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 12);
      const source = fs
        .readFileSync(options.source, 'utf8')
        .replace("'__BUILD_VERSION__'", JSON.stringify(version))
        .replace('__PRECACHE_FILES__', JSON.stringify(files));
      fs.writeFileSync(path.join(clientDir, 'sw.js'), source);
      clientDir = undefined;
    },
  };
}
