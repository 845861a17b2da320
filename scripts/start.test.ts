/** `npm start` as a real process: a taken port is reported before anything is built or started. */
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { projectRoot } from './lib/paths';

let taken: net.Server;
let port: number;

beforeAll(async () => {
  taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  port = (taken.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

function runStart(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'node_modules/tsx/dist/cli.mjs'), 'scripts/start.ts'], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

it('npm start on a port in use says so and names PORT, before building or starting anything', async () => {
  const { code, output } = await runStart({ PORT: String(port) });
  expect(code).toBe(1);
  expect(output).toContain(`[start] port ${port} is in use — set PORT=… to use another`);
  // Nothing else ran: no .dev.vars step, no PostgreSQL, no web build, no wrangler.
  expect(output.trim().split('\n')).toHaveLength(1);
}, 60_000);

it('npm start with a PORT that is no port says so', async () => {
  const { code, output } = await runStart({ PORT: 'eighty' });
  expect(code).toBe(1);
  expect(output).toContain('[start] PORT="eighty" is not a TCP port');
}, 60_000);
