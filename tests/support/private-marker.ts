/**
 * A string the shared test helpers put in every message, file name and email they send
 * (messages of the fault helpers, every registered user's email, uploads of the outage
 * test). The apps the e2e tests start watch their own output for it
 * (scripts/lib/marker-scan.ts): a log line that carries it carries user data, which
 * docs/security.md ("Logs") forbids. Lower case: emails are stored lower-cased.
 */
export const PRIVATE_MARKER = 'zz-private-7c1e';

/** A test user's email: unique per user, carrying the marker. */
export function testEmail(username: string): string {
  return `${username}.${PRIVATE_MARKER}@example.test`;
}
