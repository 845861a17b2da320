/** A Chromium trace of a page over CDP while `work` runs: the events, for the bench's own summaries. */
import type { CDPSession } from 'playwright-core';

export interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** Thread (CPU) time, where the category records it. */
  tdur?: number;
  args?: { name?: string; data?: { frame?: string; url?: string } };
}

export async function traced<T>(cdp: CDPSession, categories: string[], work: () => Promise<T>): Promise<{ result: T; events: TraceEvent[] }> {
  const events: TraceEvent[] = [];
  const collect = (e: { value: object[] }) => void events.push(...(e.value as TraceEvent[]));
  cdp.on('Tracing.dataCollected', collect);
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: categories }, transferMode: 'ReportEvents' });
  try {
    return { result: await work(), events };
  } finally {
    await cdp.send('Tracing.end');
    await complete;
    cdp.off('Tracing.dataCollected', collect);
  }
}

/**
 * The complete events ('X') of the renderer main thread that ran the page, by time: of the
 * CrRendererMain threads (other tabs, a service worker's page), the one whose events weigh most.
 */
export function pageMainThread(events: TraceEvent[], weight: (e: TraceEvent) => number): TraceEvent[] {
  const threadOf = (e: TraceEvent) => `${e.pid}:${e.tid}`;
  const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map(threadOf));
  const byThread = new Map<string, { events: TraceEvent[]; weight: number }>();
  for (const e of events) {
    if (e.ph !== 'X' || !mains.has(threadOf(e))) continue;
    const thread = byThread.get(threadOf(e)) ?? { events: [], weight: 0 };
    thread.events.push(e);
    thread.weight += weight(e);
    byThread.set(threadOf(e), thread);
  }
  const heaviest = [...byThread.values()].sort((a, b) => b.weight - a.weight)[0];
  return (heaviest?.events ?? []).sort((a, b) => a.ts - b.ts);
}
