/**
 * TOTP (RFC 6238) through `otpauth`: SHA-1, 6 digits, 30-second steps, what every
 * authenticator app reads from the enrolment QR code. A code is accepted for its own step and
 * one either side (clock drift); the step it matched is returned so the caller can refuse it,
 * and every earlier one, from then on (replay).
 */
import { Secret, TOTP } from 'otpauth';

const PERIOD = 30;
export const TOTP_WINDOW = 1;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totpOf(secret: string, label = 'account'): TOTP {
  return new TOTP({ issuer: 'edge-chat', label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secret) });
}

/** The otpauth:// URI an authenticator app enrols from (shown as a QR code). */
export function totpUri(secret: string, username: string): string {
  return totpOf(secret, username).toString();
}

/** The 30-second step the code belongs to, or undefined if it matches none within the window. */
export function matchingStep(secret: string, code: string, now = Date.now()): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totpOf(secret).validate({ token: code, timestamp: now, window: TOTP_WINDOW });
  return delta === null ? undefined : Math.floor(now / 1000 / PERIOD) + delta;
}
