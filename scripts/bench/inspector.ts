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

  close(): void {
    this.ws.close();
  }
}
