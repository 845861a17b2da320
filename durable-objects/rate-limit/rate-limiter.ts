/**
 * One object per rate-limited key (for example `login:<ip>:<username>`), so a
 * limit holds across every Worker isolate. Buckets live in memory: an evicted
 * object has been idle long enough for its bucket to be full anyway.
 */
import { DurableObject } from 'cloudflare:workers';
import { TokenBucket, type RateSpec, type TakeResult } from './token-bucket';

export class RateLimiter extends DurableObject {
  private bucket?: TokenBucket;

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
}
