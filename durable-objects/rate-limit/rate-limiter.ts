/**
 * One object per rate-limited key (for example `login:<ip>:<username>`), so a
 * limit holds across every Worker isolate. Buckets live in memory: an evicted
 * object has been idle long enough for its bucket to be full anyway.
 */
import { DurableObject } from 'cloudflare:workers';
import { TokenBucket, type RateSpec, type TakeResult } from './token-bucket';

/** Keys one shard object forgets first once it holds this many: full buckets are the same as none. */
const SHARD_KEYS_KEPT = 10_000;

export class RateLimiter extends DurableObject {
  private bucket?: TokenBucket;
  private shard?: Map<string, TokenBucket>;

  take(spec: RateSpec, cost = 1): TakeResult {
    const now = Date.now();
    this.bucket ??= new TokenBucket(spec, now);
    return this.bucket.take(now, cost);
  }

  giveBack(spec: RateSpec, amount = 1): void {
    const now = Date.now();
    this.bucket ??= new TokenBucket(spec, now);
    this.bucket.giveBack(now, amount);
  }

  /**
   * One bucket per key in one object that holds a shard of a keyspace (see
   * enforceRateLimits): a list of people is one call, not one object each.
   */
  takeEach(keys: string[], spec: RateSpec): TakeResult[] {
    const now = Date.now();
    this.shard ??= new Map();
    if (this.shard.size > SHARD_KEYS_KEPT) {
      for (const [key, bucket] of this.shard) if (bucket.isFull(now)) this.shard.delete(key);
    }
    return keys.map((key) => {
      let bucket = this.shard!.get(key);
      if (!bucket) this.shard!.set(key, (bucket = new TokenBucket(spec, now)));
      return bucket.take(now);
    });
  }
}
