/**
 * Builds the Remix web app, whose web/build/client is the [assets] directory of
 * wrangler.toml (wrangler refuses to start without it) and whose
 * web/build/server/index.js the Worker imports. Before the web app exists, an
 * empty directory stands in for it.
 *
 * The build runs in a staging directory (web/build/.staging-*) and is then
 * published into web/build/{client,server} file by file (build-publish.ts): a
 * build started while `npm start` or a test run serves web/build (a second
 * `npm start`, `npm run deploy:check`, `npm run build:web`) never takes the
 * directory away from it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { publishDirectories, withPublishLock } from './build-publish';
import { projectRoot } from './paths';

export const webBuildDir = path.join(projectRoot, 'web/build');
/** Read by web/vite.config.ts: where Remix writes client/ and server/. */
export const WEB_BUILD_DIR_ENV = 'EDGE_CHAT_WEB_BUILD_DIR';

function runRemixBuild(buildDir: string, stdout: 'inherit' | number): Promise<number> {
  const remix = path.join(projectRoot, 'node_modules/.bin/remix');
  return new Promise<number>((resolve, reject) => {
    const child = spawn(remix, ['vite:build', '--config', 'web/vite.config.ts'], {
      cwd: projectRoot,
      stdio: ['ignore', stdout, 'inherit'],
      env: { ...process.env, [WEB_BUILD_DIR_ENV]: buildDir },
    });
    child.on('error', reject);
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  });
}

export async function buildWeb(log: (m: string) => void = console.log, opts: { stdout?: 'inherit' | number } = {}): Promise<void> {
  const clientDir = path.join(webBuildDir, 'client');
  const hasWebApp = fs.existsSync(path.join(projectRoot, 'web/vite.config.ts'));
  if (!hasWebApp || process.env.SKIP_WEB_BUILD === '1') {
    fs.mkdirSync(clientDir, { recursive: true });
    log(hasWebApp ? 'SKIP_WEB_BUILD=1: using the existing web/build' : 'No web app yet (web/vite.config.ts): created an empty web/build/client for wrangler [assets]');
    return;
  }
  fs.mkdirSync(webBuildDir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(webBuildDir, '.staging-'));
  try {
    const code = await runRemixBuild(staging, opts.stdout ?? 'inherit');
    if (code !== 0) throw new Error(`the web build failed (exit ${code}): fix the web build errors above, or set SKIP_WEB_BUILD=1 to reuse the last build`);
    // Client first: the new server build names the client's new hashed files.
    const published = await withPublishLock(path.join(webBuildDir, '.publish-lock'), () =>
      publishDirectories([
        [path.join(staging, 'client'), clientDir],
        [path.join(staging, 'server'), path.join(webBuildDir, 'server')],
      ]),
    );
    log(
      published.replaced + published.removed
        ? `web build published: ${published.replaced} files new or changed, ${published.removed} removed, ${published.unchanged} unchanged`
        : 'web build unchanged',
    );
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
