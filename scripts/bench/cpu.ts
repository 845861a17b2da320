/**
 * Where the CPU went during a phase: CPU seconds of each process of the stack
 * (read from /proc/<pid>/stat, utime + stime), expressed as cores busy over
 * the phase's wall time, plus what the rest of the machine used meanwhile
 * (from /proc/stat). On a shared 2-core machine a saturated core explains a
 * plateau better than any latency figure; "others" says how noisy the run was.
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { round } from './stats';

/** Kernel clock ticks per second: 100 on Linux x86 and arm64 alike. */
const CLK_TCK = 100;

export interface ProcessGroup {
  label: string;
  /** CPU ticks used so far; asked at each sample, since a group's processes come and go. */
  ticks: () => number;
}

interface Sample {
  at: number;
  ticks: Map<string, number>;
  machineBusy: number;
}

/**
 * utime + stime of a process; with `reaped`, also the CPU of its children that
 * exited and were waited for (cutime + cstime): a postmaster's short-lived
 * backends, one per REST request here, are counted that way.
 */
export function processTicks(pid: number, reaped = false): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    // stat fields 14-17 (utime, stime, cutime, cstime) are 11-14 after "pid (comm)".
    return f[11]! + f[12]! + (reaped ? f[13]! + f[14]! : 0);
  } catch {
    return 0; // exited
  }
}

function machineBusyTicks(): number {
  const [cpu] = fs.readFileSync('/proc/stat', 'utf8').split('\n');
  const [, user, nice, system, _idle, _iowait, irq, softirq, steal] = cpu!.trim().split(/\s+/).map(Number);
  return user! + nice! + system! + irq! + softirq! + steal!;
}

/** The coresBusy entry for what the machine ran besides the metered groups. */
export const REST_OF_MACHINE = 'rest of the machine';

export class CpuMeter {
  private start?: Sample;

  constructor(private readonly groups: ProcessGroup[]) {}

  private sample(): Sample {
    const ticks = new Map<string, number>();
    for (const g of this.groups) ticks.set(g.label, g.ticks());
    return { at: performance.now(), ticks, machineBusy: machineBusyTicks() };
  }

  begin(): void {
    this.start = this.sample();
  }

  /** Cores busy per group since begin(): 1.0 = one core fully used. */
  end(): { wallSeconds: number; coresBusy: Record<string, number> } {
    if (!this.start) throw new Error('CpuMeter.end() before begin()');
    const stop = this.sample();
    const seconds = (stop.at - this.start.at) / 1000;
    const coresBusy: Record<string, number> = {};
    let ours = 0;
    for (const g of this.groups) {
      const ticks = Math.max(0, stop.ticks.get(g.label)! - this.start.ticks.get(g.label)!);
      ours += ticks;
      coresBusy[g.label] = round(ticks / CLK_TCK / seconds);
    }
    coresBusy[REST_OF_MACHINE] = round(Math.max(0, stop.machineBusy - this.start.machineBusy - ours) / CLK_TCK / seconds);
    return { wallSeconds: round(seconds, 1), coresBusy };
  }
}
