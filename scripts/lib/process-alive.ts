import fs from 'node:fs';

/**
 * Whether a process with this id is still running (EPERM: it is, owned by another user).
 * A zombie is not: it has exited and let go of its sockets, files and memory, and only waits
 * for its parent to reap it. That wait can be long here: an orphan's parent is the machine's
 * init, which reaps about once a second, and later still under load (CI saw a killed
 * postmaster answer `kill -0` for two seconds).
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !exited(pid);
}

/** Linux only: the state letter in /proc/<pid>/stat, after the command name in parentheses. */
function exited(pid: number): boolean {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    // No /proc (not Linux): kill -0 is all there is to go on. Gone meanwhile: exited.
    return (err as NodeJS.ErrnoException).code === 'ENOENT' && fs.existsSync('/proc/self/stat');
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}
