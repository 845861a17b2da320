/**
 * Token buckets: a burst allowance refilled at a sustained rate. Used per user
 * in each room (in the room's memory) and per key for login and registration
 * (in a RateLimiter object).
 */
import { z } from 'zod';

export interface RateSpec {
  /** Most actions allowed at once. */
  burst: number;
  /** Actions allowed per minute once the burst is spent. */
  perMinute: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number };

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly spec: RateSpec,
    now: number,
  ) {
    this.tokens = spec.burst;
    this.updatedAt = now;
  }

  /** Takes `cost` tokens (an action, or bytes for a byte allowance), or says when they will be there. */
  take(now: number, cost = 1): TakeResult {
    const perMs = this.spec.perMinute / 60_000;
    this.refill(now);
    if (this.tokens >= cost) {
      this.tokens -= cost;
      return { ok: true };
    }
    // (A cost above the burst never fits: callers refuse it before asking.)
    return { ok: false, retryAfterMs: Math.ceil((cost - this.tokens) / perMs) };
  }

  /** Returns tokens taken for something that did not happen (a sign-in that succeeded, an upload that failed). */
  giveBack(now: number, amount = 1): void {
    this.refill(now);
    this.tokens = Math.min(this.spec.burst, this.tokens + amount);
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.spec.burst, this.tokens + (now - this.updatedAt) * (this.spec.perMinute / 60_000));
    this.updatedAt = now;
  }

  /** True once the bucket is full again: it can be forgotten. */
  isFull(now: number): boolean {
    return this.tokens + (now - this.updatedAt) * (this.spec.perMinute / 60_000) >= this.spec.burst;
  }
}

/** Parses "burst=10,perMinute=60" from configuration; names the fix when malformed. */
export function parseRateSpec(name: string, text: string): RateSpec {
  const fields = Object.fromEntries(text.split(',').map((part) => part.split('=').map((s) => s.trim())));
  const parsed = z
    .object({ burst: z.coerce.number().int().min(1), perMinute: z.coerce.number().positive() })
    .safeParse(fields);
  if (!parsed.success) {
    throw new Error(`${name} must look like "burst=10,perMinute=60" (got "${text}")`);
  }
  return parsed.data;
}
