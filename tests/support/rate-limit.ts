/**
 * Rate-limit assertions that hold however fast the machine runs the requests.
 * A token bucket refills while requests are in flight, so "the 61st is refused"
 * is only true on a quick machine. Instead: send until the limiter refuses, then
 * check the count it let through against its burst plus what it can have
 * refilled in the time the requests took (an upper bound of the limiter's own
 * elapsed time), and check follow-up refusals against the retryAfterMs it gave.
 */
import { expect } from 'vitest';

export interface RateSpec {
  burst: number;
  perMinute: number;
}

export interface Exhausted {
  /** Requests the limiter let through before the first refusal. */
  allowed: number;
  /** The first 429. */
  refused: Response;
  /** retryAfterMs from the 429's body: the limiter's own time until the next token. */
  retryAfterMs: number;
  /** performance.now() just before the refused request was sent. */
  refusedSentAt: number;
}

/**
 * Calls send(0), send(1), … until one answers 429 (at most `max`); every other
 * answer must be `allowedStatus`. Asserts the count against the spec as above.
 */
export async function sendUntilRefused(
  spec: RateSpec,
  allowedStatus: number,
  send: (i: number) => Promise<Response>,
  max = spec.burst * 3 + 20,
): Promise<Exhausted> {
  const started = performance.now();
  for (let i = 0; i < max; i++) {
    const sentAt = performance.now();
    const res = await send(i);
    if (res.status === 429) {
      const elapsedMs = performance.now() - started;
      const body = (await res.clone().json()) as { error: { code: string; details?: { retryAfterMs?: number } } };
      expect(body.error.code).toBe('rate_limited');
      const retryAfterMs = body.error.details?.retryAfterMs ?? NaN;
      expect(retryAfterMs).toBeGreaterThan(0);
      expect(retryAfterMs).toBeLessThanOrEqual(60_000 / spec.perMinute);
      expect(i, 'allowed before the first refusal: at least the burst').toBeGreaterThanOrEqual(spec.burst);
      const refilled = Math.floor((elapsedMs * spec.perMinute) / 60_000);
      expect(i, `allowed before the first refusal: at most the burst + ${refilled} refilled in ${elapsedMs.toFixed(0)} ms`).toBeLessThanOrEqual(
        spec.burst + refilled,
      );
      return { allowed: i, refused: res, retryAfterMs, refusedSentAt: sentAt };
    }
    expect(res.status, `request ${i + 1}: ${(await res.clone().text()).slice(0, 200)}`).toBe(allowedStatus);
  }
  throw new Error(`no 429 in ${max} requests: the limit (${JSON.stringify(spec)}) is not enforced`);
}

/**
 * Sends one more request on the exhausted bucket. While less than retryAfterMs has
 * passed since the refusal it must be refused too; later, the limiter may have a
 * token again, and only the sensible statuses are accepted.
 */
export async function expectStillRefused(exhausted: Exhausted, send: () => Promise<Response>, laterStatuses: number[]): Promise<Response> {
  const res = await send();
  const sinceRefusalMs = performance.now() - exhausted.refusedSentAt;
  if (sinceRefusalMs < exhausted.retryAfterMs) expect(res.status, `${sinceRefusalMs.toFixed(0)} ms after a refusal saying ${exhausted.retryAfterMs} ms`).toBe(429);
  else expect([429, ...laterStatuses]).toContain(res.status);
  return res;
}
