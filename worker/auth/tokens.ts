/**
 * Token checks at the Worker's edge: the JWTs of durable-objects/shared/tokens.ts, with a
 * refused token answered as a 401 JSON error (which makes clients refresh and retry).
 */
import { TokenRefused, verifyAccessToken as verifyAccess, verifyWsTicket as verifyTicket, type JwtKeys } from '../../durable-objects/shared/tokens';
import { unauthorized } from '../http/errors';

async function as401<T>(check: Promise<T>): Promise<T> {
  try {
    return await check;
  } catch (err) {
    throw err instanceof TokenRefused ? unauthorized(err.message) : err;
  }
}

export const verifyAccessToken = (keys: JwtKeys, token: string) => as401(verifyAccess(keys, token));
export const verifyWsTicket = (keys: JwtKeys, token: string) => as401(verifyTicket(keys, token));
