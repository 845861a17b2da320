/**
 * The Worker isolate's live JS heap, through the V8 inspector that `wrangler
 * dev` exposes (--inspector-port, which startApp sets; found on wrangler's
 * command line). workerd does not answer HeapProfiler.collectGarbage, but a
 * heap snapshot is taken after a full GC, so: snapshot (its chunks discarded),
 * then Runtime.getHeapUsage. The Worker and its Durable Objects share that
 * isolate locally, so this is the JS memory of sockets, attachments and rooms,
 * free of the garbage and allocator slack that RSS carries.
 */
import fs from 'node:fs';
import WebSocket from 'ws';

/** The --inspector-port of the wrangler dev that persists to `persistTo`. */
export function inspectorPort(persistTo: string): number | undefined {
  for (const dir of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let args: string[];
    try {
      args = fs.readFileSync(`/proc/${dir}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const i = args.indexOf('--inspector-port');
    if (args.includes(persistTo) && i >= 0) return Number(args[i + 1]);
  }
  return undefined;
}

export class HeapInspector {
  private nextId = 0;
  private readonly pending = new Map<number, (result: any) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown; method?: string };
      // Snapshot chunks (megabytes of JSON) arrive as events: ignored, not kept.
      if (msg.id !== undefined) this.pending.get(msg.id)?.(msg.result);
    });
  }

  static async connect(port: number): Promise<HeapInspector> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.on('error', () => {});
    return new HeapInspector(ws);
  }

  private call<T = any>(method: string, params: object = {}, timeoutMs = 60_000): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`inspector: no answer to ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (result) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(result as T);
      });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Bytes of live JS heap after a full GC. */
  async liveHeapBytes(): Promise<number> {
    await this.call('HeapProfiler.enable');
    await this.call('HeapProfiler.takeHeapSnapshot', { reportProgress: false, captureNumericValue: false });
    const usage = await this.call<{ usedSize: number }>('Runtime.getHeapUsage');
    return usage.usedSize;
  }

  /**
   * Self time per function while `work` runs (V8's sampling profiler, `intervalUs`
   * between samples), heaviest first: where the isolate's CPU went.
   */
  async selfTimes<T>(work: () => Promise<T>, intervalUs = 100): Promise<{ result: T } & SelfTimes> {
    await this.call('Profiler.enable');
    await this.call('Profiler.setSamplingInterval', { interval: intervalUs });
    await this.call('Profiler.start');
    const result = await work();
    const { profile } = await this.call<{ profile: CpuProfile }>('Profiler.stop');
    return { result, ...selfTimesOf(profile) };
  }

  close(): void {
    this.ws.close();
  }
}

/** The self times of the isolate behind the wrangler dev that persists to `persistTo`, while `work` runs. */
export async function isolateSelfTimes<T>(persistTo: string, work: () => Promise<T>): Promise<{ result: T } & SelfTimes> {
  const port = inspectorPort(persistTo);
  if (port === undefined) throw new Error(`no inspector port for the wrangler dev persisting to ${persistTo}`);
  const inspector = await HeapInspector.connect(port);
  try {
    return await inspector.selfTimes(work);
  } finally {
    inspector.close();
  }
}

/** Where an isolate's CPU went: its busy time, and the functions by self time, heaviest first. */
export interface SelfTimes {
  busyMs: number;
  top: { fn: string; ms: number; share: number }[];
}

/** The heaviest `count` entries of a profile's self times, as one log line's list. */
export function describeTop(top: { fn: string; share: number }[], count: number): string {
  return top
    .slice(0, count)
    .map((t) => `${t.fn} ${t.share}%`)
    .join('; ');
}

export interface CpuProfile {
  nodes: { id: number; children?: number[]; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number } }[];
  startTime: number;
  endTime: number;
  /** Absent from a profile that took no sample. */
  samples?: number[];
}

/** A function of a minified bundle: its line says little, its column finds it. */
const minified = (frame: CpuProfile['nodes'][number]['callFrame']) => frame.lineNumber < 5 && frame.columnNumber !== undefined && frame.columnNumber > 200;

/** Self time per function in a V8 CPU profile, heaviest first, idle and "(program)" left out: where the CPU went. */
export function selfTimesOf(profile: CpuProfile): SelfTimes {
  const samples = profile.samples ?? [];
  const hits = new Map<number, number>();
  for (const id of samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const byFunction = new Map<string, number>();
  const parentOf = new Map<number, CpuProfile['nodes'][number]>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node);
  const name = (frame: CpuProfile['nodes'][number]['callFrame']) => `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}:${frame.lineNumber + 1}${minified(frame) ? `:${frame.columnNumber! + 1}` : ''}`;
  let busy = 0;
  const sampleMs = samples.length ? (profile.endTime - profile.startTime) / 1000 / samples.length : 0;
  for (const node of profile.nodes) {
    const count = hits.get(node.id) ?? 0;
    if (!count || node.callFrame.functionName === '(idle)' || node.callFrame.functionName === '(program)') continue;
    // A native function (SQLite's exec, a Response) is told apart by its caller.
    const caller = node.callFrame.url === '' ? parentOf.get(node.id) : undefined;
    const key = caller ? `${name(node.callFrame)} < ${name(caller.callFrame)}` : name(node.callFrame);
    byFunction.set(key, (byFunction.get(key) ?? 0) + count * sampleMs);
    busy += count * sampleMs;
  }
  const top = [...byFunction.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 40)
    .map(([fn, ms]) => ({ fn, ms: Math.round(ms * 100) / 100, share: Math.round((ms / busy) * 1000) / 10 }));
  return { busyMs: Math.round(busy), top };
}
