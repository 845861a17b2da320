/**
 * `npm run deploy:check` (CI runs it): would this Worker deploy on the Workers
 * Free plan? Offline, no Cloudflare account: builds the web app, bundles the
 * Worker exactly as `wrangler deploy` would (`--dry-run`), reads the gzipped
 * upload size wrangler prints, then has `wrangler check startup` run the
 * bundle's startup phase in workerd under the CPU profiler and adds up the
 * busy time. Prints both figures; exits 1 when either is over the limit.
 * The startup figure is this machine's CPU, not Cloudflare's: a guide with a
 * wide margin, not the platform's own measurement.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  busyMilliseconds,
  FREE_PLAN_GZIP_LIMIT_BYTES,
  formatKiB,
  limitProblems,
  parseUploadSize,
  STARTUP_LIMIT_MS,
  type CpuProfile,
} from './lib/deploy-limits';
import { buildWeb } from './lib/web-build';
import { runWrangler } from './lib/wrangler-run';

const log = (m: string) => console.log(`[deploy-check] ${m}`);

async function main(): Promise<number> {
  await buildWeb(log);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-chat-deploy-check-'));
  try {
    const bundle = path.join(dir, 'worker.bundle');
    const dryRun = await runWrangler(['deploy', '--dry-run', '--outfile', bundle, '--x-autoconfig=false'], { timeoutMs: 300_000 });
    if (dryRun.code !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${dryRun.output.trim()}`);
    const size = parseUploadSize(dryRun.output);
    log(`upload: ${formatKiB(size.totalBytes)}, gzip ${formatKiB(size.gzipBytes)} (Workers Free limit ${formatKiB(FREE_PLAN_GZIP_LIMIT_BYTES)}, ${((100 * size.gzipBytes) / FREE_PLAN_GZIP_LIMIT_BYTES).toFixed(0)}% used)`);

    const profileFile = path.join(dir, 'startup.cpuprofile');
    const check = await runWrangler(['check', 'startup', '--worker', bundle, '--outfile', profileFile], { timeoutMs: 300_000 });
    if (check.code !== 0 || !fs.existsSync(profileFile)) throw new Error(`wrangler check startup failed:\n${check.output.trim()}`);
    const startupMs = busyMilliseconds(JSON.parse(fs.readFileSync(profileFile, 'utf8')) as CpuProfile);
    log(`startup: ${startupMs.toFixed(1)} ms of CPU in workerd on this machine (platform limit ${STARTUP_LIMIT_MS} ms)`);

    const problems = limitProblems({ ...size, startupMs });
    for (const p of problems) console.error(`[deploy-check] FAIL: ${p}`);
    if (!problems.length) log('the Worker fits the Workers Free plan');
    return problems.length ? 1 : 0;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[deploy-check] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
