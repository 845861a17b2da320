/** TOTP codes as an authenticator app makes them (otpauth, the app's own parameters), for tests. */
import { Secret, TOTP } from 'otpauth';

export const TOTP_STEP_MS = 30_000;

/** The code of the step `offset` steps from now. */
export function totpCode(secret: string, offset = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: Date.now() + offset * TOTP_STEP_MS });
}

/**
 * Waits (on the clock: a TOTP step is a time event) until at least 12 s of the current step are
 * left, so the app and the test agree on "the current step" for the requests that follow.
 */
export async function freshStep(): Promise<void> {
  const left = TOTP_STEP_MS - (Date.now() % TOTP_STEP_MS);
  if (left < 12_000) await new Promise((r) => setTimeout(r, left + 50));
}
