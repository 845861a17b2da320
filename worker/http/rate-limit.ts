/** Rate limits shared by every isolate: one RateLimiter object per key. */
import type { Context } from 'hono';
import type { RateSpec, TakeResult } from '../../durable-objects/rate-limit/token-bucket';
import type { AppEnv } from '../app-env';
import { tooManyRequests } from './errors';

/** The client's address as Cloudflare saw it; absent only in local runs. */
export function clientAddress(c: Context<AppEnv>): string {
  return c.req.header('cf-connecting-ip') ?? 'local';
}

const limiterFor = (c: Context<AppEnv>, key: string) => c.env.RATE_LIMITERS.get(c.env.RATE_LIMITERS.idFromName(key));

export async function enforceRateLimit(c: Context<AppEnv>, key: string, spec: RateSpec, what: string): Promise<void> {
  const result = await limiterFor(c, key).take(spec);
  if (!result.ok) {
    throw tooManyRequests(`too many ${what}; try again in ${Math.ceil(result.retryAfterMs / 1000)} s`, result.retryAfterMs);
  }
}

/** Takes `cost` from the bucket `key`: whether it was there, and if not when it will be. */
export function takeFromLimit(c: Context<AppEnv>, key: string, spec: RateSpec, cost: number): Promise<TakeResult> {
  return limiterFor(c, key).take(spec, cost);
}

/** Gives back what was taken for an action that did not count (a sign-in that succeeded, an upload that failed). */
export async function giveBackToLimit(c: Context<AppEnv>, key: string, spec: RateSpec, amount = 1): Promise<void> {
  await limiterFor(c, key).giveBack(spec, amount);
}
