import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { processAlive } from './process-alive';

const stateOf = (pid: number) => {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat[stat.lastIndexOf(')') + 2];
};

let parent: ReturnType<typeof spawn> | undefined;
afterEach(() => {
  parent?.kill('SIGKILL');
  parent = undefined;
});

describe.skipIf(process.platform !== 'linux')('processAlive', () => {
  it('is true for a running process and false for one that was killed, before its parent reaps it', async () => {
    // The shell starts a child and then becomes `sleep`, which never waits: once killed, the
    // child stays a zombie for as long as this test needs it to.
    parent = spawn('sh', ['-c', 'sleep 300 & echo $!; exec sleep 300'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const child = await new Promise<number>((resolve) => parent!.stdout!.once('data', (chunk) => resolve(Number(String(chunk).trim()))));
    expect(processAlive(child)).toBe(true);
    // Not before the shell has become `sleep`: a shell still running reaps a finished child
    // before its next command (seen once in CI: the zombie was gone before it was looked at).
    const parentPid = parent.pid!;
    while (fs.readFileSync(`/proc/${parentPid}/comm`, 'utf8').trim() !== 'sleep') await new Promise((resolve) => setTimeout(resolve, 5));

    process.kill(child, 'SIGKILL');
    while (stateOf(child) !== 'Z') await new Promise((resolve) => setTimeout(resolve, 5));
    expect(() => process.kill(child, 0), 'the zombie is still in the process table').not.toThrow();
    expect(processAlive(child)).toBe(false);
  });

  it('is false for an id no process has', () => {
    expect(processAlive(2 ** 22 + 1)).toBe(false);
  });
});
