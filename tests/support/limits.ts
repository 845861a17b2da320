/**
 * Rate limits asserted by the limiter's own clock: attempts run until the first 429, and
 * the number allowed before it must be the burst plus at most what refilled while they
 * ran. A busy machine makes attempts slow and earns more of them, never fewer, so the
 * check holds at any load.
 */
import { expect } from 'vitest';

export interface Limit {
  burst: number;
  perMinute: number;
}

/** Runs `attempt` until it answers 429; every earlier answer must be `allowedStatus`. */
export async function allowedUntilRefused(attempt: (i: number) => Promise<number>, limit: Limit, allowedStatus: number): Promise<number> {
  const started = Date.now();
  let allowed = 0;
  for (let i = 0; i < limit.burst * 4 + 10; i++) {
    const status = await attempt(i);
    if (status === 429) break;
    expect(status).toBe(allowedStatus);
    allowed++;
  }
  const refilled = Math.ceil(((Date.now() - started) * limit.perMinute) / 60_000);
  expect(allowed).toBeGreaterThanOrEqual(limit.burst);
  expect(allowed).toBeLessThanOrEqual(limit.burst + refilled);
  return allowed;
}
