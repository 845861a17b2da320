/**
 * Bundles the Worker once (`wrangler deploy --dry-run --outdir`, offline) so a
 * test run serves one fixed build: `wrangler dev` on live sources would reload
 * (or die, on a half-saved file) whenever someone edits the tree mid-run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runWrangler } from './wrangler-run';

/** Writes the bundle to `outDir` and returns the path of its entry module. */
export async function bundleWorker(configPath: string, outDir: string): Promise<string> {
  fs.rmSync(outDir, { recursive: true, force: true });
  // autoconfig would try to detect a framework and rewrite settings: we have a config.
  const args = ['deploy', '--dry-run', '--config', configPath, '--outdir', outDir, '--x-autoconfig=false'];
  const { code, output } = await runWrangler(args, { timeoutMs: 300_000, env: { WRANGLER_LOG: 'error' } });
  // The entry is named after `main` (worker/index.ts -> index.js).
  const modules = fs.existsSync(outDir) ? fs.readdirSync(outDir).filter((f) => /\.m?js$/.test(f)) : [];
  const entryName = modules.length === 1 ? modules[0] : modules.find((f) => f === 'index.js');
  if (code !== 0 || !entryName) {
    throw new Error(`wrangler could not bundle the Worker (fix the error below):\n${output.trim()}`);
  }
  return path.join(outDir, entryName);
}
