/** Runs the Realtime stand-in as a child process (scripts/realtime-standin.ts) and waits until it listens. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { projectRoot } from '../paths';

export interface StandinProcess {
  url: string;
  appId: string;
  token: string;
  pid: number;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

export function spawnRealtimeStandin(opts: { appId: string; token: string }): Promise<StandinProcess> {
  // Node itself with tsx's loader (not the tsx CLI, which would run it in a grandchild): `pid` is the process doing the work.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'scripts/realtime-standin.ts'), opts.appId], {
    cwd: projectRoot,
    // The token goes by the environment, not the command line (which `ps` shows).
    env: { ...process.env, REALTIME_STANDIN_TOKEN: opts.token },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.stdin!.end();
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the Realtime stand-in did not start within ${READY_TIMEOUT_MS / 1000} s`));
    }, READY_TIMEOUT_MS);
    readline.createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      const { url } = JSON.parse(line) as { url: string };
      resolve({ url, appId: opts.appId, token: opts.token, pid: child.pid!, stop });
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Realtime stand-in exited (${code}) before listening`));
    });
  });
}
