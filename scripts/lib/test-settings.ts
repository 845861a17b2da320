/**
 * Fixed, non-secret settings for test runs, shared by vitest.config.ts and the
 * e2e global setup so every test sees the same values.
 */

/** Signs test tokens only; long enough for durable-objects/shared/env.ts (min 32 chars). */
export const TEST_JWT_SECRET = 'test-only-jwt-secret-not-for-production-0123456789';
/** The app under test is mid key rotation: tokens of this older key still verify. */
export const TEST_JWT_SECRET_PREVIOUS = 'test-only-previous-jwt-secret-not-for-production-01234';
/** A foreign origin the app under test allows (CORS and WebSocket upgrades). */
export const TEST_ALLOWED_ORIGIN = 'http://allowed.test';
/** Origin used by the in-workerd tests (workers project). */
export const WORKERS_TEST_ORIGIN = 'http://test.local';
/** bcrypt's minimum: hashing at the production cost would dominate test time. */
export const TEST_BCRYPT_COST = '4';
/**
 * Tests register many users from one address: registration is limited only
 * nominally. Login and room limits keep their production defaults, and tests
 * exercise them.
 */
export const TEST_REGISTER_RATE_LIMIT = 'burst=100000,perMinute=100000';
/** TURN REST API shared secret for tests (and the coturn the browser tests start). */
export const TEST_TURN_SECRET = 'test-only-turn-shared-secret-0123456789';

/** What every app a test starts runs with: its database (through the relay) and the test secrets and costs. */
export function testAppVars(databaseUrl: string, relayUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    PG_RELAY_URL: relayUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    BCRYPT_COST: TEST_BCRYPT_COST,
    REGISTER_RATE_LIMIT: TEST_REGISTER_RATE_LIMIT,
  };
}
