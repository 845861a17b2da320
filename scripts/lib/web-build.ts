/**
 * Builds the Remix web app (`npm run build:web`), whose web/build/client is the
 * [assets] directory of wrangler.toml: wrangler refuses to start without it.
 * Before the web app exists, an empty directory stands in for it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from './paths';

export async function buildWeb(log: (m: string) => void = console.log): Promise<void> {
  const clientDir = path.join(projectRoot, 'web/build/client');
  const hasWebApp = fs.existsSync(path.join(projectRoot, 'web/vite.config.ts'));
  if (!hasWebApp || process.env.SKIP_WEB_BUILD === '1') {
    fs.mkdirSync(clientDir, { recursive: true });
    log(hasWebApp ? 'SKIP_WEB_BUILD=1: using the existing web/build' : 'No web app yet (web/vite.config.ts): created an empty web/build/client for wrangler [assets]');
    return;
  }
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'build:web'], { cwd: projectRoot, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  });
  if (code !== 0) throw new Error(`npm run build:web failed (exit ${code}): fix the web build errors above, or set SKIP_WEB_BUILD=1 to reuse the last build`);
}
