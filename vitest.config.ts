/**
 * Test projects (run them all with `npm test`, one with `npm test -- --project unit`):
 * - unit:    plain Node tests beside the code.
 * - workers: *.worker.test.ts inside workerd, against the real Worker and bindings.
 * - e2e:     tests/e2e against a real `wrangler dev` (tests/e2e/global-setup.ts).
 * - browser: tests/browser, Playwright against the same kind of running app.
 * `npm test` (scripts/test.ts) provides TEST_DATABASE_URL and TEST_PG_RELAY_URL.
 * groupOrder runs the heavy groups one after another: the machine has 2 cores, and
 * an e2e test restarting wrangler must not pull the app from under a browser test.
 */
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { TEST_JWT_SECRET, TEST_REGISTER_RATE_LIMIT, TEST_TURN_SECRET, WORKERS_TEST_ORIGIN } from './scripts/lib/test-settings';

const appGlobalSetup = './tests/e2e/global-setup.ts';
const devServerFetch = './tests/support/dev-server-fetch.ts';

export default defineConfig({
  test: {
    passWithNoTests: true,
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['{worker,durable-objects,drizzle,scripts,web}/**/*.test.ts'],
          exclude: ['**/*.worker.test.ts', 'tests/**', '**/node_modules/**'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            main: './worker/index.ts',
            miniflare: {
              bindings: {
                DATABASE_URL: process.env.TEST_DATABASE_URL ?? '',
                PG_RELAY_URL: process.env.TEST_PG_RELAY_URL ?? '',
                JWT_SECRET: TEST_JWT_SECRET,
                ALLOWED_ORIGINS: WORKERS_TEST_ORIGIN,
                BCRYPT_COST: '4',
                REGISTER_RATE_LIMIT: TEST_REGISTER_RATE_LIMIT,
                STUN_URLS: 'stun:127.0.0.1:3478',
                TURN_URLS: 'turn:127.0.0.1:3478?transport=udp',
                TURN_SECRET: TEST_TURN_SECRET,
                // Small daily upload allowances, so upload-limits.worker.test.ts reaches them with small files.
                UPLOAD_USER_QUOTA_BYTES: '100000',
                UPLOAD_ROOM_QUOTA_BYTES: '150000',
              },
            },
          }),
        ],
        test: {
          name: 'workers',
          include: ['**/*.worker.test.ts'],
          // Several users and sockets per test on 2 shared cores: a backstop for a hung test, not a
          // speed limit (20 s ran out with the load average near 40).
          testTimeout: 60_000,
          exclude: ['**/node_modules/**'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: [appGlobalSetup],
          setupFiles: [devServerFetch],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'browser',
          environment: 'node',
          include: ['tests/browser/**/*.test.ts'],
          globalSetup: [appGlobalSetup],
          setupFiles: [devServerFetch],
          fileParallelism: false,
          // A backstop for a hung test, not a speed limit: an axe audit of nine pages takes over a
          // minute with the load average at 20 on 2 cores.
          testTimeout: 180_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
