import { describe, expect, it } from 'vitest';
import { busyMilliseconds, FREE_PLAN_GZIP_LIMIT_BYTES, limitProblems, parseUploadSize, STARTUP_LIMIT_MS, UNCOMPRESSED_LIMIT_BYTES } from './deploy-limits';

describe('parseUploadSize', () => {
  it("reads wrangler's dry-run line, KiB or MiB", () => {
    const output = '✨ Read 32 files from the assets directory\nTotal Upload: 2589.13 KiB / gzip: 515.41 KiB\nYour Worker has access to';
    expect(parseUploadSize(output)).toEqual({ totalBytes: Math.round(2589.13 * 1024), gzipBytes: Math.round(515.41 * 1024) });
    expect(parseUploadSize('Total Upload: 12.50 MiB / gzip: 3.10 MiB').gzipBytes).toBe(Math.round(3.1 * 1024 * 1024));
  });

  it('fails loudly, with the output, when the line is missing', () => {
    expect(() => parseUploadSize('✘ [ERROR] Build failed')).toThrow(/no "Total Upload.*\n✘ \[ERROR\] Build failed/);
  });
});

describe('busyMilliseconds', () => {
  it('adds the sampled time outside (idle)', () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)' } },
        { id: 2, callFrame: { functionName: '(idle)' } },
        { id: 3, callFrame: { functionName: '(program)' } },
        { id: 4, callFrame: { functionName: 'init' } },
      ],
      samples: [2, 3, 4, 4, 2],
      timeDeltas: [36_000, 1_000, 1_500, 1_000, 5_000],
    };
    expect(busyMilliseconds(profile)).toBe(3.5);
  });
});

describe('limitProblems', () => {
  it('passes at the limits and fails just over each, naming the figure', () => {
    const atLimits = { totalBytes: UNCOMPRESSED_LIMIT_BYTES, gzipBytes: FREE_PLAN_GZIP_LIMIT_BYTES, startupMs: STARTUP_LIMIT_MS };
    expect(limitProblems(atLimits)).toEqual([]);
    const problems = limitProblems({ totalBytes: UNCOMPRESSED_LIMIT_BYTES + 1, gzipBytes: FREE_PLAN_GZIP_LIMIT_BYTES + 1024, startupMs: STARTUP_LIMIT_MS + 1 });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/uncompressed, over the platform's 65536\.0 KiB/);
    expect(problems[1]).toMatch(/3073\.0 KiB gzipped, over the Workers Free plan's 3072\.0 KiB/);
    expect(problems[2]).toMatch(/1001 ms of CPU, over the platform's 1000 ms/);
  });
});
