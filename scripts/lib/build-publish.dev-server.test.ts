/**
 * A real `wrangler dev` serving an assets directory while new builds are
 * published into it, as `npm start` serves web/build/client while a second
 * build runs: it must keep serving, and serve each new build. (Building in
 * place used to remove the directory, and wrangler died with
 * "ENOENT … scandir web/build/client".)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishDirectories } from './build-publish';
import { freePort } from './free-port';
import { wranglerBin } from './paths';
import { offlineWranglerEnv } from './wrangler-env';

let dir: string;
let wrangler: ChildProcess;
let output = '';
let base: string;
let exited = false;

function writeBuild(target: string, version: number): void {
  fs.mkdirSync(path.join(target, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(target, 'version.txt'), `build ${version}`);
  fs.writeFileSync(path.join(target, `assets/app-${version}.js`), `console.log(${version})`);
}

/** Polls until `check` passes or wrangler exits; the deadline is only a backstop for a hung server. */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!exited && Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what}: ${exited ? 'wrangler exited' : 'not within 90 s'}\n${output.slice(-2000)}`);
}

const served = (file: string) => fetch(`${base}/${file}`).then(async (r) => (r.ok ? r.text() : `HTTP ${r.status}`));

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-dev-server-'));
  fs.writeFileSync(path.join(dir, 'worker.js'), 'export default { fetch: () => new Response("worker", { status: 404 }) };');
  fs.writeFileSync(
    path.join(dir, 'wrangler.toml'),
    ['name = "publish-test"', 'main = "worker.js"', 'compatibility_date = "2026-04-01"', '[assets]', 'directory = "live"', 'binding = "ASSETS"'].join('\n'),
  );
  writeBuild(path.join(dir, 'live'), 0);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  wrangler = spawn(wranglerBin, ['dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', path.join(dir, 'state')], {
    cwd: dir,
    env: offlineWranglerEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  wrangler.stdout!.on('data', (d) => (output += d));
  wrangler.stderr!.on('data', (d) => (output += d));
  wrangler.on('exit', () => (exited = true));
  await until('wrangler dev serving build 0', async () => (await served('version.txt')) === 'build 0');
}, 120_000);

afterAll(async () => {
  if (!exited) {
    const gone = new Promise((resolve) => wrangler.once('exit', resolve));
    wrangler.kill('SIGTERM');
    await gone;
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

it('keeps serving while builds are published into its assets directory, and serves each new one', async () => {
  for (let version = 1; version <= 4; version++) {
    const staged = path.join(dir, `staged-${version}`);
    writeBuild(staged, version);
    publishDirectories([[staged, path.join(dir, 'live')]]);
    // A new file is served once wrangler has seen the change and re-read the directory.
    await until(`build ${version} served`, async () => (await served(`assets/app-${version}.js`)) === `console.log(${version})`);
    expect(await served('version.txt')).toBe(`build ${version}`);
  }
  expect(exited, output.slice(-2000)).toBe(false);
  expect(output).not.toMatch(/ENOENT/);
}, 180_000);
