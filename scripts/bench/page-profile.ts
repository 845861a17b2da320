/**
 * A V8 CPU profile of a page's main thread while `work` runs (100 µs between samples), kept as
 * bench-results/<name>.cpuprofile, which Chrome DevTools opens.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CDPSession } from 'playwright-core';
import { projectRoot } from '../lib/paths';

export async function profilePage<T>(cdp: CDPSession, name: string, work: () => Promise<T>) {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  const result = await work();
  const { profile } = await cdp.send('Profiler.stop');
  const file = path.join(projectRoot, 'bench-results', `${name}.cpuprofile`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(profile));
  return { result, profile, file };
}
