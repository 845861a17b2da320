/**
 * The limits on sign-in attempts, counting failures only (a success gives its tokens back):
 * - per client address, whatever login names it tries (`LOGIN_RATE_LIMIT`): credential
 *   stuffing from one address, many names, stops;
 * - per account from untrusted devices (`LOGIN_ACCOUNT_RATE_LIMIT`): guessing one password
 *   from many addresses stops;
 * - per device for a browser holding this account's device cookie (`LOGIN_DEVICE_RATE_LIMIT`)
 *   instead of the account's limit: the owner is never locked out by strangers' failures.
 * The device cookie never lifts the address limit: anyone can get one for an account of
 * their own, so it must not buy more guesses at other accounts.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import type { Config } from '../../durable-objects/shared/env';
import { tooManyRequests } from '../http/errors';
import { clientAddress, giveBackToLimit, takeFromLimit } from '../http/rate-limit';
import type { RateSpec } from '../../durable-objects/rate-limit/token-bucket';
import { rememberDevice, trustedDevice, type TrustedDevice } from './device-cookie';

interface Charge {
  key: string;
  spec: RateSpec;
}

export class LoginAttempt {
  private readonly charges: Charge[] = [];
  private device?: TrustedDevice;

  constructor(
    private readonly c: Context<AppEnv>,
    private readonly config: Config,
  ) {}

  /** Before anything is looked up: one failure's worth from the address's allowance. */
  async fromAddress(): Promise<void> {
    await this.charge(`login:${clientAddress(this.c)}`, this.config.LOGIN_RATE_LIMIT, 'failed sign-ins from this address');
  }

  /** For the account tried (or, when none matches, the login name: unknown names cost the same). */
  async forAccount(userId: string | undefined, loginName: string): Promise<void> {
    this.device = userId ? await trustedDevice(this.c, this.config.JWT_SECRET, userId) : undefined;
    if (this.device) {
      await this.charge(`login-device:${this.device.deviceId}`, this.config.LOGIN_DEVICE_RATE_LIMIT, 'failed sign-ins from this device');
    } else {
      await this.charge(`login-account:${userId ?? loginName}`, this.config.LOGIN_ACCOUNT_RATE_LIMIT, 'sign-in attempts for this account');
    }
  }

  /** Every step passed: nothing counted, and this browser is the account's device from now on. */
  async succeeded(userId: string): Promise<void> {
    await this.passwordAccepted();
    await rememberDevice(this.c, this.config.JWT_SECRET, userId, this.device);
  }

  /**
   * The password was right but a second step follows: nothing counted, and the device is
   * remembered only once that step passes too (it counts its own failures against the same limits).
   */
  async passwordAccepted(): Promise<void> {
    await Promise.all(this.charges.map(({ key, spec }) => giveBackToLimit(this.c, key, spec)));
  }

  private async charge(key: string, spec: RateSpec, what: string): Promise<void> {
    const result = await takeFromLimit(this.c, key, spec, 1);
    if (!result.ok) throw tooManyRequests(`too many ${what}; try again in ${Math.ceil(result.retryAfterMs / 1000)} s`, result.retryAfterMs);
    this.charges.push({ key, spec });
  }
}
