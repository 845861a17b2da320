/** Rate limits shared by every isolate: one RateLimiter object per key. */
import type { Context } from 'hono';
import type { RateSpec, TakeResult } from '../../durable-objects/rate-limit/token-bucket';
import type { AppEnv } from '../app-env';
import { groupByShard } from '../../durable-objects/shared/shard';
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

/** Objects a sharded keyspace is spread over: few enough that a list of keys is a handful of calls. */
const SHARDS = 16;

/**
 * Limits for many keys of one keyspace at once (`group-add` for each person
 * added): the keys are spread over SHARDS objects by a hash, so each key still
 * has one bucket shared by every isolate, and a list of 255 is at most 16 calls.
 */
export async function enforceRateLimits(
  c: Context<AppEnv>,
  keyspace: string,
  keys: { key: string; what: string }[],
  spec: RateSpec,
): Promise<void> {
  const byShard = groupByShard(keys, (k) => k.key, SHARDS);
  const refusals = await Promise.all(
    [...byShard].map(async ([shard, group]) => {
      const limiter = c.env.RATE_LIMITERS.get(c.env.RATE_LIMITERS.idFromName(`${keyspace}#${shard}`));
      const results = await limiter.takeEach(group.map((k) => k.key), spec);
      return group.flatMap((k, i) => {
        const result = results[i]!;
        return result.ok ? [] : [{ what: k.what, retryAfterMs: result.retryAfterMs }];
      });
    }),
  );
  const refused = refusals.flat();
  if (refused.length === 0) return;
  const retryAfterMs = Math.max(...refused.map((r) => r.retryAfterMs));
  throw tooManyRequests(`too many ${refused.map((r) => r.what).join(', ')}; try again in ${Math.ceil(retryAfterMs / 1000)} s`, retryAfterMs);
}

/** Takes `cost` from the bucket `key`: whether it was there, and if not when it will be. */
export function takeFromLimit(c: Context<AppEnv>, key: string, spec: RateSpec, cost: number): Promise<TakeResult> {
  return limiterFor(c, key).take(spec, cost);
}

/** Gives back what was taken for an action that did not count (a sign-in that succeeded, an upload that failed). */
export async function giveBackToLimit(c: Context<AppEnv>, key: string, spec: RateSpec, amount = 1): Promise<void> {
  await limiterFor(c, key).giveBack(spec, amount);
}
