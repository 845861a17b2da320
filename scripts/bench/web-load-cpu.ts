/**
 * The chat page's main-thread cost at load, as CPU time: Lighthouse times tasks by the wall
 * clock, which on a shared 2-core machine mostly measures the other sessions. Here a Chromium
 * trace of the page loading counts each main-thread task's thread time (`tdur`: time on the
 * CPU, not waiting for it), from navigation until the newest message is on screen and the page
 * has been quiet for a while. Optionally a V8 CPU profile of one load, for where the time goes,
 * and the last load's trace (bench-results/chat-load.cpuprofile, chat-load-trace.json; both open
 * in Chrome DevTools' Performance panel).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { projectRoot } from '../lib/paths';
import { pageMainThread, traced, type TraceEvent } from './chromium-trace';
import { profilePage } from './page-profile';
import { round, summarize, type Summary } from './stats';

export interface LoadCpuRun {
  /** Sum of main-thread task CPU time (ms) from navigation to settled. */
  cpuMs: number;
  /** The same tasks by the wall clock (ms): inflated by the machine's load. */
  wallMs: number;
  /** Tasks over 50 ms of CPU, and the longest (ms of CPU). */
  tasksOver50MsCpu: number;
  longestTaskCpuMs: number;
  /** CPU of the tasks after the first 50 ms each (a CPU-time analogue of total blocking time). */
  blockingCpuMs: number;
}

export interface LoadCpuResult {
  runs: LoadCpuRun[];
  cpuMs: Summary;
  blockingCpuMs: Summary;
  profilePath?: string;
}

const CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing', '__metadata'];
/** After the newest message is shown, this much longer is counted: the work that follows the first render. */
const QUIET_MS = 3_000;

/** The tasks of the renderer main thread that ran the page: the CrRendererMain with the most task time. */
const mainThreadTasks = (events: TraceEvent[]) =>
  pageMainThread(events, (e) => (e.name === 'RunTask' ? (e.tdur ?? 0) : 0)).filter((e) => e.name === 'RunTask');

function summariseTasks(tasks: TraceEvent[]): LoadCpuRun {
  const cpu = tasks.map((t) => (t.tdur ?? 0) / 1000);
  return {
    cpuMs: round(cpu.reduce((n, c) => n + c, 0), 1),
    wallMs: round(tasks.reduce((n, t) => n + (t.dur ?? 0), 0) / 1000, 1),
    tasksOver50MsCpu: cpu.filter((c) => c > 50).length,
    longestTaskCpuMs: round(Math.max(0, ...cpu), 1),
    blockingCpuMs: round(cpu.reduce((n, c) => n + Math.max(0, c - 50), 0), 1),
  };
}

async function loadOnce(page: Page, url: string, newestSelector: string): Promise<void> {
  await page.goto(url);
  await page.locator(newestSelector).waitFor({ timeout: 60_000 });
  await page.waitForTimeout(QUIET_MS);
}

/**
 * `runs` loads of `url` in `page` (signed in), each traced, after one untraced load: every
 * traced load runs in the same renderer process with the code cached and the service worker
 * installed, like a returning user.
 */
export async function measureLoadCpu(page: Page, url: string, newestSelector: string, runs: number, profile: boolean): Promise<LoadCpuResult> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await loadOnce(page, url, newestSelector); // warm: code cached, service worker installed
    const out: LoadCpuRun[] = [];
    let lastTrace: TraceEvent[] = [];
    for (let i = 0; i < runs; i++) {
      const { events } = await traced(cdp, CATEGORIES, () => loadOnce(page, url, newestSelector));
      out.push(summariseTasks(mainThreadTasks(events)));
      lastTrace = events;
    }
    let profilePath: string | undefined;
    if (profile) {
      const { file } = await profilePage(cdp, 'chat-load', () => loadOnce(page, url, newestSelector));
      // The last traced load too (DevTools' Performance panel opens it).
      fs.writeFileSync(file.replace(/\.cpuprofile$/, '-trace.json'), JSON.stringify({ traceEvents: lastTrace }));
      profilePath = path.relative(projectRoot, file);
    }
    return {
      runs: out,
      cpuMs: summarize(out.map((r) => r.cpuMs)),
      blockingCpuMs: summarize(out.map((r) => r.blockingCpuMs)),
      profilePath,
    };
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}
