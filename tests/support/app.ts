/**
 * What end-to-end and browser tests know about the running app, provided by
 * tests/e2e/global-setup.ts. Use inside tests or hooks:
 *   const { baseUrl, origin } = appInfo();
 *   await restartApp(); // same baseUrl; Durable Object state and Postgres survive
 */
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** http://127.0.0.1:PORT of `wrangler dev` */
    baseUrl: string;
    /** The app's own origin (allowed for CORS/WebSocket), same as baseUrl. */
    origin: string;
    /** A foreign origin the app also allows: http://allowed.test */
    allowedOrigin: string;
    /** The app's JWT_SECRET, to mint or inspect tokens. */
    jwtSecret: string;
    /** The app's Postgres database (TCP URL), to inspect rows directly. */
    databaseUrl: string;
    /** wrangler dev's state directory: the Durable Objects' storage and R2's objects, as files. */
    persistDir: string;
    /** Restart endpoint of the global setup; use restartApp(). */
    appControlUrl: string;
    /**
     * Ports on 127.0.0.1 the app's link previews may fetch (LINK_PREVIEW_ALLOW_HOSTS), for the
     * test sites of tests/support/preview-site.ts: [e2e, browser], so the two projects never share one.
     */
    linkPreviewPorts: number[];
    /** Why the app has no local TURN server (coturn missing or failed), or null when it has one. */
    turnError: string | null;
    /** The Realtime stand-in's API base (REALTIME_API_URL of the app under test). */
    sfuUrl: string;
    /** Its process (to read its CPU from /proc). */
    sfuPid: number;
    /** Its app id and token (a fault test calls it directly: scripts/lib/realtime-standin/server.ts). */
    sfuAppId: string;
    sfuToken: string;
    /** wrangler's TMPDIR, where its simulated send_email writes messages (tests/support/mailbox.ts). */
    mailDir: string;
    /** The app's VAPID public key (Web Push). */
    vapidPublicKey: string;
    /** Port of the local push service the app may send to (http://127.0.0.1:PORT). */
    pushPort: number;
  }
}

export function appInfo() {
  return {
    baseUrl: inject('baseUrl'),
    origin: inject('origin'),
    allowedOrigin: inject('allowedOrigin'),
    jwtSecret: inject('jwtSecret'),
    databaseUrl: inject('databaseUrl'),
    persistDir: inject('persistDir'),
    turnError: inject('turnError'),
    vapidPublicKey: inject('vapidPublicKey'),
    pushPort: inject('pushPort'),
  };
}

/** Stops and starts wrangler dev on the same port and state; resolves once healthy again. */
export async function restartApp(): Promise<void> {
  const res = await fetch(`${inject('appControlUrl')}/restart`, { method: 'POST' });
  if (!res.ok) throw new Error(`restarting the app failed: ${await res.text()}`);
}
