/**
 * Upload limits, checked before a byte of the body is read: how many uploads a user
 * starts (`UPLOAD_RATE_LIMIT`, 429) and how many bytes a user and a room take in any
 * 24 hours (`UPLOAD_USER_QUOTA_BYTES`, `UPLOAD_ROOM_QUOTA_BYTES`: rolling allowances,
 * token buckets that refill over a day; 413 `quota_exceeded`). Bytes of an upload that
 * is refused or fails later are given back.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import type { Config } from '../../durable-objects/shared/env';
import { HttpError } from '../http/errors';
import { enforceRateLimit, giveBackToLimit, takeFromLimit } from '../http/rate-limit';
import type { RateSpec } from '../../durable-objects/rate-limit/token-bucket';

const DAY_MINUTES = 24 * 60;
const dailyBytes = (quota: number): RateSpec => ({ burst: quota, perMinute: quota / DAY_MINUTES });
const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

export class UploadAllowance {
  private readonly taken: { key: string; spec: RateSpec; bytes: number }[] = [];

  constructor(
    private readonly c: Context<AppEnv>,
    private readonly config: Config,
    private readonly userId: string,
    private readonly roomId: string,
  ) {}

  /** One more upload by this user (429 past the rate). */
  async start(): Promise<void> {
    await enforceRateLimit(this.c, `upload:${this.userId}`, this.config.UPLOAD_RATE_LIMIT, 'uploads');
  }

  /** `bytes` from the user's and the room's daily allowance, or 413 naming which and when. */
  async take(bytes: number): Promise<void> {
    await this.takeFrom(`upload-bytes-user:${this.userId}`, this.config.UPLOAD_USER_QUOTA_BYTES, bytes, 'you have uploaded');
    await this.takeFrom(`upload-bytes-room:${this.roomId}`, this.config.UPLOAD_ROOM_QUOTA_BYTES, bytes, 'this chat has received');
  }

  /** The upload did not happen after all: its bytes count for nothing. */
  async giveBack(): Promise<void> {
    await Promise.all(this.taken.map(({ key, spec, bytes }) => giveBackToLimit(this.c, key, spec, bytes)));
    this.taken.length = 0;
  }

  private async takeFrom(key: string, quota: number, bytes: number, who: string): Promise<void> {
    const spec = dailyBytes(quota);
    const result = bytes > quota ? { ok: false as const, retryAfterMs: 24 * 3600_000 } : await takeFromLimit(this.c, key, spec, bytes);
    if (!result.ok) {
      await this.giveBack();
      const wait = Math.max(1, Math.ceil(result.retryAfterMs / 60_000));
      throw new HttpError(
        413,
        'quota_exceeded',
        `${who} as much as is allowed in 24 hours (${megabytes(quota)}); this file fits again in about ${wait} min`,
        { retryAfterMs: result.retryAfterMs },
      );
    }
    this.taken.push({ key, spec, bytes });
  }
}
