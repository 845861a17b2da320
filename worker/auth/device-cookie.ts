/**
 * Device cookies (OWASP, "Slow Brute Force Attack / device cookies"): after a successful
 * sign-in the browser gets a signed cookie naming the account and a random device id.
 * A sign-in to that account from that browser is then limited per device, not by the
 * account's shared limit, so strangers guessing the password from many addresses can
 * slow down only untrusted devices: they cannot lock the owner out.
 * A JWT (jose, HS256 pinned, its own audience) signed with JWT_SECRET's key; a rotated
 * secret only makes devices untrusted again.
 */
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { SignJWT, jwtVerify } from 'jose';
import { signingKey } from '../../durable-objects/shared/tokens';

export const DEVICE_COOKIE = 'edge_chat_device';
const AUDIENCE = 'login-device';
const ISSUER = 'edge-chat';
const DEVICE_TTL_SECONDS = 365 * 86_400;
// Sent only to the sign-in route.
const DEVICE_COOKIE_PATH = '/api/auth/login';

export interface TrustedDevice {
  userId: string;
  deviceId: string;
}

/** The device this sign-in comes from, if its cookie is ours, unexpired and for `userId`. */
export async function trustedDevice(c: Context, secret: string, userId: string): Promise<TrustedDevice | undefined> {
  const token = getCookie(c, DEVICE_COOKIE);
  if (!token) return undefined;
  try {
    const { payload } = await jwtVerify(token, (await signingKey(secret)).key, {
      algorithms: ['HS256'],
      audience: AUDIENCE,
      issuer: ISSUER,
      subject: userId,
      requiredClaims: ['sub', 'exp', 'did'],
    });
    return typeof payload.did === 'string' ? { userId, deviceId: payload.did } : undefined;
  } catch {
    return undefined;
  }
}

/** After a successful sign-in: the browser keeps (or gets) its device cookie for this account. */
export async function rememberDevice(c: Context, secret: string, userId: string, device?: TrustedDevice): Promise<void> {
  const { kid, key } = await signingKey(secret);
  const token = await new SignJWT({ did: device?.deviceId ?? crypto.randomUUID() })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(`${DEVICE_TTL_SECONDS}s`)
    .sign(key);
  setCookie(c, DEVICE_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: 'Strict',
    path: DEVICE_COOKIE_PATH,
    maxAge: DEVICE_TTL_SECONDS,
  });
}
