/**
 * What each rendered frame of a page cost while `work` ran, from a Chromium trace: the main
 * thread's CPU per frame (`tdur` of ProxyMain::BeginMainFrame, where rAF callbacks, scroll
 * events, style, layout and paint run), split into frames that laid anything out and frames
 * that did not, and how many paint layers each repainted. A frame that repaints the whole
 * rendered window looks like a layout frame with hundreds of Paint events; a plain scroll of a
 * composited scroller, like a frame with none.
 */
import type { CDPSession } from 'playwright-core';
import { pageMainThread, traced, type TraceEvent } from './chromium-trace';
import { round, summarize, type Summary } from './stats';

export interface FrameCosts {
  frames: number;
  /** Frames with a Layout event inside them (the DOM or a size changed). */
  layoutFrames: number;
  /** Main-thread CPU per frame (ms), with and without layout. */
  cpuWithLayout: Summary;
  cpuWithoutLayout: Summary;
  /** Paint events (one per paint layer painted) per frame, with and without layout. */
  paintsWithLayout: Summary;
  paintsWithoutLayout: Summary;
  /** Main-thread CPU (ms) in all frames by what it did (events nested in one another count once each). */
  cpuByKind: { script: number; style: number; layout: number; paint: number; prePaint: number; layerize: number };
}

const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'benchmark', '__metadata'];

export async function traceFrames<T>(cdp: CDPSession, work: () => Promise<T>): Promise<{ result: T; costs: FrameCosts }> {
  const { result, events } = await traced(cdp, CATEGORIES, work);
  return { result, costs: frameCosts(events) };
}

export function frameCosts(events: TraceEvent[]): FrameCosts {
  // The page's renderer: the main thread that ran the most frames (others are idle tabs, if any).
  const ours = pageMainThread(events, (e) => (e.name === 'ProxyMain::BeginMainFrame' ? 1 : 0));

  const cpu = { with: [] as number[], without: [] as number[] };
  const paints = { with: [] as number[], without: [] as number[] };
  const kinds = { script: 0, style: 0, layout: 0, paint: 0, prePaint: 0, layerize: 0 };
  const kindOf: Record<string, keyof typeof kinds> = { FunctionCall: 'script', UpdateLayoutTree: 'style', Layout: 'layout', Paint: 'paint', PrePaint: 'prePaint', Layerize: 'layerize' };
  let i = 0;
  for (const frame of ours.filter((e) => e.name === 'ProxyMain::BeginMainFrame')) {
    const end = frame.ts + (frame.dur ?? 0);
    let layouts = 0;
    let painted = 0;
    // Only the outermost event of a kind counts its time: Paint events nest (a layer in a layer).
    const openUntil: Partial<Record<keyof typeof kinds, number>> = {};
    while (i < ours.length && ours[i]!.ts < frame.ts) i++;
    for (let j = i; j < ours.length && ours[j]!.ts <= end; j++) {
      const e = ours[j]!;
      const kind = kindOf[e.name];
      if (!kind) continue;
      if (kind === 'layout') layouts++;
      if (kind === 'paint') painted++;
      if ((openUntil[kind] ?? -1) < e.ts) {
        kinds[kind] += (e.tdur ?? e.dur ?? 0) / 1000;
        openUntil[kind] = e.ts + (e.dur ?? 0);
      }
    }
    const side = layouts > 0 ? 'with' : 'without';
    cpu[side].push((frame.tdur ?? frame.dur ?? 0) / 1000);
    paints[side].push(painted);
  }
  return {
    frames: cpu.with.length + cpu.without.length,
    layoutFrames: cpu.with.length,
    cpuWithLayout: summarize(cpu.with),
    cpuWithoutLayout: summarize(cpu.without),
    paintsWithLayout: summarize(paints.with, 0),
    paintsWithoutLayout: summarize(paints.without, 0),
    cpuByKind: Object.fromEntries(Object.entries(kinds).map(([k, v]) => [k, round(v, 0)])) as FrameCosts['cpuByKind'],
  };
}
