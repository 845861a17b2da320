/**
 * The e2e harness itself: the app answers, restartApp() brings it back on the same URL, and a
 * runtime that exits at startup is started once more, with the first try's log printed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';
import { startApp } from '../../scripts/lib/app-server';
import { appInfo, restartApp } from '../support/app';

describe('e2e harness', () => {
  it('serves /api/health and survives a restart on the same baseUrl', async () => {
    const { baseUrl } = appInfo();
    expect((await fetch(`${baseUrl}/api/health`)).status).toBe(200);
    await restartApp();
    const res = await fetch(`${baseUrl}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});

describe('a runtime that exits at startup', () => {
  it('is started once more, and the first try is printed with the end of wrangler\'s debug log', async () => {
    // A stand-in for workerd that reads its config, then exits at its first start; the real one after.
    // It exits once wrangler has its words in the debug log: wrangler writes that log a line at a
    // time behind a queue and drops what is still queued when it exits, so a runtime that dies the
    // moment it speaks can take its last words (and wrangler's own lines before them) out of the
    // log with it. Seen once in CI, and three times in three at load 10 here: the tail stopped at
    // the bindings table. Waiting for the line (it inherits wrangler's WRANGLER_LOG_PATH; at most
    // 30 s) keeps this test on the harness's part (retry, print the tail), not on wrangler's writer
    // winning that race.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-chat-workerd-'));
    const realWorkerd = (createRequire(import.meta.url)('workerd') as { default: string }).default;
    const standIn = path.join(dir, 'workerd');
    const failedOnce = path.join(dir, 'failed-once');
    fs.writeFileSync(standIn, `#!/bin/sh\nif [ ! -e '${failedOnce}' ]; then cat > /dev/null; touch '${failedOnce}'; echo 'stand-in: exiting at start' >&2; i=0; while [ $i -lt 600 ] && ! grep -qs 'stand-in: exiting at start' "$WRANGLER_LOG_PATH"; do sleep 0.05; i=$((i+1)); done; exit 1; fi\nexec '${realWorkerd}' "$@"\n`, { mode: 0o755 });
    const printed: string[] = [];
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    let stop: (() => Promise<void>) | undefined;
    try {
      const app = await startApp({
        vars: { DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused', JWT_SECRET: 'tiny-secret-value' },
        readyStatuses: [200, 503],
        env: { MINIFLARE_WORKERD_PATH: standIn },
      });
      stop = () => app.stop();
      expect((await fetch(`${app.baseUrl}/api/health`)).status).toBe(503);
    } finally {
      stderr.mockRestore();
      await stop?.();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const report = printed.join('');
    expect(report).toMatch(/the Workers runtime did not start on http:\/\/127\.0\.0\.1:\d+; starting it once more/);
    // The runtime's own words, which wrangler does not print at --log-level warn.
    expect(report).toContain('stand-in: exiting at start');
  });
});
