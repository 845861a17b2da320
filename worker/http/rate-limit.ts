/** Rate limits shared by every isolate: one RateLimiter object per key. */
import type { Context } from 'hono';
import type { RateSpec } from '../../durable-objects/rate-limit/token-bucket';
import type { AppEnv } from '../app-env';
import { tooManyRequests } from './errors';

/** The client's address as Cloudflare saw it; absent only in local runs. */
export function clientAddress(c: Context<AppEnv>): string {
  return c.req.header('cf-connecting-ip') ?? 'local';
}

export async function enforceRateLimit(c: Context<AppEnv>, key: string, spec: RateSpec, what: string): Promise<void> {
  const limiter = c.env.RATE_LIMITERS.get(c.env.RATE_LIMITERS.idFromName(key));
  const result = await limiter.take(spec);
  if (!result.ok) {
    throw tooManyRequests(`too many ${what}; try again in ${Math.ceil(result.retryAfterMs / 1000)} s`, result.retryAfterMs);
  }
}
