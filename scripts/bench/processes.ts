/**
 * Finding the stack's processes in /proc: the workerd processes behind our
 * `wrangler dev` (startApp spawns wrangler detached, so its process group id is
 * wrangler's pid; we start from the process whose command line names this
 * run's --persist-to directory), and the Postgres cluster's postmaster and
 * backends. Linux only, like the rest of the bench.
 */
import fs from 'node:fs';

interface ProcInfo {
  pid: number;
  comm: string;
  ppid: number;
  pgrp: number;
  args: string[];
}

function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp ...": comm may hold spaces or parentheses, so split after the last ')'.
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return { pid, comm: stat.slice(stat.indexOf('(') + 1, close), ppid: Number(fields[1]), pgrp: Number(fields[2]), args };
  } catch {
    return undefined; // exited while we looked
  }
}

function allProcesses(): ProcInfo[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readProc(Number(d)))
    .filter((p): p is ProcInfo => !!p);
}

export interface AppProcesses {
  /** workerd running the Worker and the Durable Objects. */
  runtime: number[];
  /** wrangler dev's own workerd in front of it, on the public port (proxies every request and frame). */
  proxy: number[];
  /** wrangler itself (node) and its esbuild. */
  wrangler: number[];
}

export function appProcesses(persistTo: string, publicPort: number): AppProcesses {
  const all = allProcesses();
  const groups = new Set(all.filter((p) => p.args.includes(persistTo)).map((p) => p.pgrp));
  const mine = all.filter((p) => groups.has(p.pgrp));
  const workerd = mine.filter((p) => p.comm === 'workerd');
  const isProxy = (p: ProcInfo) => p.args.some((a) => a.endsWith(`=127.0.0.1:${publicPort}`));
  return {
    runtime: workerd.filter((p) => !isProxy(p)).map((p) => p.pid),
    proxy: workerd.filter(isProxy).map((p) => p.pid),
    wrangler: mine.filter((p) => p.comm !== 'workerd').map((p) => p.pid),
  };
}

export function rssKb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}

/** The postmaster listening on `port` (found by its -p argument) and all its children. */
export function postgresPids(port: number): number[] {
  const all = allProcesses().filter((p) => p.comm === 'postgres');
  const postmaster = all.find((p) => {
    const i = p.args.indexOf('-p');
    return i >= 0 && p.args[i + 1] === String(port);
  });
  return postmaster ? [postmaster.pid, ...all.filter((p) => p.ppid === postmaster.pid).map((p) => p.pid)] : [];
}

/**
 * Samples the RSS of `pids` every `everyMs` until stop(): the peak says how much
 * a phase made a process hold at once (outgoing frames waiting for slow readers,
 * for one), which a before/after pair would miss.
 */
export function sampleRss(pids: Record<string, number>, everyMs = 200) {
  const read = () => Object.fromEntries(Object.entries(pids).map(([label, pid]) => [label, rssKb(pid)]));
  const startKb = read();
  const peakKb = { ...startKb };
  const timer = setInterval(() => {
    for (const [label, kb] of Object.entries(read())) peakKb[label] = Math.max(peakKb[label]!, kb);
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      const endKb = read();
      for (const [label, kb] of Object.entries(endKb)) peakKb[label] = Math.max(peakKb[label]!, kb);
      return { startKb, peakKb, endKb };
    },
  };
}
