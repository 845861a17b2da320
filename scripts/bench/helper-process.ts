/**
 * The bench's helper processes (the relay, the relay with a fault proxy): each
 * a script of scripts/bench run by the same node with the same tsx loader,
 * printing one JSON line once listening, then answering stdin commands one line
 * each, and exiting when its stdin closes.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { projectRoot } from '../lib/paths';

export interface HelperProcess<Info> {
  info: Info;
  pid: number;
  /** Sends one command line; resolves with the helper's answer line. */
  command(line: string): Promise<string>;
  close(): Promise<void>;
}

export function spawnHelper<Info>(script: string, args: string[]): Promise<HelperProcess<Info>> {
  const child = spawn(process.execPath, [...process.execArgv, path.join(projectRoot, 'scripts/bench', script), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  const close = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.stdin!.end();
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    });
  return new Promise((resolve, reject) => {
    lines.once('line', (first) => {
      lines.on('line', (line) => waiting.shift()?.(line));
      resolve({
        info: JSON.parse(first) as Info,
        pid: child.pid!,
        close,
        command: (line) =>
          new Promise<string>((answer) => {
            waiting.push(answer);
            child.stdin!.write(`${line}\n`);
          }),
      });
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before listening`)));
  });
}
