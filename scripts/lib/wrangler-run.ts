/**
 * Runs the project's wrangler, offline-safe (metrics off), with a deadline:
 * a hung wrangler (a network call, a prompt) ends with an error naming the
 * command instead of hanging CI.
 */
import { spawn } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { projectRoot, wranglerBin } from './paths';
import { offlineWranglerEnv } from './wrangler-env';

export interface WranglerResult {
  code: number;
  /** stdout and stderr interleaved, colours stripped (empty with `inherit`). */
  output: string;
}

export interface WranglerOptions {
  timeoutMs: number;
  /** Extra environment on top of the offline defaults. */
  env?: NodeJS.ProcessEnv;
  /** Show wrangler's output live instead of capturing it. */
  inherit?: boolean;
}

export function runWrangler(args: string[], { timeoutMs, env, inherit = false }: WranglerOptions): Promise<WranglerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(wranglerBin, args, {
      cwd: projectRoot,
      stdio: inherit ? ['inherit', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
      env: { ...offlineWranglerEnv(), ...env },
    });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c));
    child.stderr?.on('data', (c: Buffer) => (output += c));
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`wrangler ${args.join(' ')} did not finish within ${timeoutMs / 1000} s:\n${stripVTControlCharacters(output).trim()}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output: stripVTControlCharacters(output) });
    });
  });
}
