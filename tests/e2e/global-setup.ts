/**
 * Starts one `wrangler dev` for the e2e and browser projects (shared: both list
 * this file, the app starts once and stops after the last of them) and provides
 * its coordinates to tests; see tests/support/app.ts for the test-side helpers.
 * Needs TEST_DATABASE_URL and TEST_PG_RELAY_URL, which `npm test` sets up.
 *
 * Also starts the local stand-in for Cloudflare Realtime (scripts/lib/realtime-standin), the
 * SFU of group calls beyond the mesh, and points the app's REALTIME_* variables at it.
 *
 * Also starts a local TURN server (coturn, scripts/lib/coturn.ts) and gives the app its
 * URLs and shared secret, so calls can be relayed. Without coturn installed the app runs
 * without TURN and `turnError` tells the relay test why (it then fails, naming the fix).
 *
 * The app's output is watched for the private marker every test message, file name and
 * email carries (tests/support/private-marker.ts); the teardown fails the run if any log
 * line printed it (docs/security.md, "Logs").
 */
import type { TestProject } from 'vitest/node';
import { serveAppControl, type AppControl } from '../../scripts/lib/app-control';
import { startApp, type AppServer } from '../../scripts/lib/app-server';
import { startCoturn, type Coturn } from '../../scripts/lib/coturn';
import { spawnRealtimeStandin, type StandinProcess } from '../../scripts/lib/realtime-standin/spawn';
import { freePort } from '../../scripts/lib/free-port';
import {
  TEST_ALLOWED_ORIGIN,
  TEST_JWT_SECRET,
  TEST_JWT_SECRET_PREVIOUS,
  TEST_TURN_SECRET,
  testAppVars,
} from '../../scripts/lib/test-settings';
import { generateVapidKeys, type VapidKeyPair } from '../../scripts/lib/vapid-keys';
import { PRIVATE_MARKER } from '../support/private-marker';

interface Shared {
  app: AppServer;
  control: AppControl;
  turn: Coturn | null;
  sfu: StandinProcess;
  /** Why there is no TURN server (null when there is one). */
  turnError: string | null;
  linkPreviewPorts: number[];
  users: number;
  /** Web Push: the app's VAPID pair, and the port of the local push service tests/e2e/web-push.test.ts runs. */
  vapid: VapidKeyPair;
  pushPort: number;
}
// On globalThis: each project may load this module separately, but all in one process.
const KEY = Symbol.for('edge-chat.e2e-app');
const slot = globalThis as unknown as Record<symbol, Promise<Shared> | undefined>;

async function launch(): Promise<Shared> {
  const databaseUrl = process.env.TEST_DATABASE_URL;
  const relayUrl = process.env.TEST_PG_RELAY_URL;
  if (!databaseUrl || !relayUrl) {
    throw new Error('TEST_DATABASE_URL / TEST_PG_RELAY_URL are not set: run end-to-end tests through `npm test` (e.g. `npm test -- --project e2e`)');
  }
  let turn: Coturn | null = null;
  let turnError: string | null = null;
  try {
    turn = await startCoturn({ secret: TEST_TURN_SECRET });
  } catch (err) {
    turnError = (err as Error).message;
  }
  const sfu = await spawnRealtimeStandin({ appId: 'standin-app', token: `standin-${crypto.randomUUID()}` });
  const port = await freePort();
  const linkPreviewPorts = [await freePort(), await freePort()];
  const pushPort = await freePort();
  const vapid = generateVapidKeys();
  let app: AppServer;
  try {
    app = await startApp({
      port,
      vars: {
        ...testAppVars(databaseUrl, relayUrl),
        JWT_SECRET_PREVIOUS: TEST_JWT_SECRET_PREVIOUS,
        // Only the test sites' exact ports: redirects from them to any other local port stay refused.
        LINK_PREVIEW_ALLOW_HOSTS: linkPreviewPorts.map((p) => `127.0.0.1:${p}`).join(','),
        // Short, so the stalled-body case ends quickly; still far above a local page's fetch.
        LINK_PREVIEW_TIMEOUT_MS: '3000',
        ALLOWED_ORIGINS: [TEST_ALLOWED_ORIGIN, `http://127.0.0.1:${port}`, `http://localhost:${port}`].join(','),
        VAPID_PUBLIC_KEY: vapid.publicKey,
        VAPID_PRIVATE_KEY: vapid.privateKey,
        VAPID_SUBJECT: 'mailto:push-tests@example.test',
        // Only the tests' local push service may be plain http on loopback.
        PUSH_TEST_ENDPOINT_ORIGINS: `http://127.0.0.1:${pushPort}`,
        PUSH_TIMEOUT_MS: '3000',
        REALTIME_APP_ID: sfu.appId,
        REALTIME_APP_TOKEN: sfu.token,
        REALTIME_API_URL: sfu.url,
        ...(turn ? { TURN_URLS: turn.urls.join(','), TURN_SECRET: TEST_TURN_SECRET } : {}),
      },
      privateMarker: PRIVATE_MARKER,
    });
  } catch (err) {
    await turn?.stop();
    await sfu.stop();
    throw err;
  }
  return { app, control: await serveAppControl(app), turn, sfu, turnError, linkPreviewPorts, users: 0, vapid, pushPort };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const pending = (slot[KEY] ??= launch());
  pending.catch(() => (slot[KEY] = undefined)); // a failed start may be retried by the next project
  const shared = await pending;
  shared.users++;
  project.provide('baseUrl', shared.app.baseUrl);
  project.provide('origin', shared.app.origin);
  project.provide('allowedOrigin', TEST_ALLOWED_ORIGIN);
  project.provide('jwtSecret', TEST_JWT_SECRET);
  project.provide('databaseUrl', process.env.TEST_DATABASE_URL!);
  project.provide('appControlUrl', shared.control.url);
  project.provide('persistDir', shared.app.persistTo);
  project.provide('turnError', shared.turnError);
  project.provide('sfuUrl', shared.sfu.url);
  project.provide('sfuPid', shared.sfu.pid);
  project.provide('sfuAppId', shared.sfu.appId);
  project.provide('sfuToken', shared.sfu.token);
  project.provide('linkPreviewPorts', shared.linkPreviewPorts);
  project.provide('mailDir', shared.app.mailDir);
  project.provide('vapidPublicKey', shared.vapid.publicKey);
  project.provide('pushPort', shared.pushPort);
  return async () => {
    if (--shared.users > 0) return;
    slot[KEY] = undefined;
    await shared.control.close();
    await shared.app.stop();
    await shared.turn?.stop();
    await shared.sfu.stop();
    const leak = shared.app.privacyReport();
    if (leak) {
      // vitest prints an error thrown here but would still exit 0: the exit code makes it a failed run.
      process.exitCode = 1;
      throw new Error(leak);
    }
  };
}
