/** Re-asking the password before a change to the account's sign-in (password, two-step, passkeys, deletion). */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { verifyPassword } from '../auth/password';
import { readConfig } from '../../durable-objects/shared/env';
import { tooManyRequests, wrongPassword } from '../http/errors';
import { giveBackToLimit, takeFromLimit } from '../http/rate-limit';

/**
 * A password that confirms a change. Tries count against the account's sign-in limit: a
 * stolen token must not become a way around it to guess the password. As at sign-in, only
 * failures count: a right password gives its try back.
 */
export async function confirmPassword(c: Context<AppEnv>, password: string, hash: string, wrong = 'the password is wrong'): Promise<void> {
  const { userId } = c.var.user;
  const key = `login-account:${userId}`;
  const spec = readConfig(c.env).LOGIN_ACCOUNT_RATE_LIMIT;
  const taken = await takeFromLimit(c, key, spec, 1);
  if (!taken.ok) throw tooManyRequests(`too many password attempts for this account; try again in ${Math.ceil(taken.retryAfterMs / 1000)} s`, taken.retryAfterMs);
  if (!(await verifyPassword(password, hash))) throw wrongPassword(wrong);
  await giveBackToLimit(c, key, spec);
}
