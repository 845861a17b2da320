/**
 * A second `wrangler dev` of the app, same database and settings as the main
 * one, but its Postgres path runs relay → fault proxy → Postgres in a helper
 * process (fault-relay-process.ts), so the bench can move the database away
 * (one-way delay) without touching the main app's figures.
 */
import { startApp, type AppServer } from '../lib/app-server';
import { freePort } from '../lib/free-port';
import { hostPort } from '../lib/pg-relay';
import { spawnHelper } from './helper-process';

export interface DistantApp {
  app: AppServer;
  setDelay(ms: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startDistantApp(databaseUrl: string, vars: Record<string, string>): Promise<DistantApp> {
  const helper = await spawnHelper<{ relayUrl: string; proxyAddress: string }>('fault-relay-process.ts', [hostPort(databaseUrl)]);
  const proxied = new URL(databaseUrl);
  proxied.host = helper.info.proxyAddress;
  const port = await freePort();
  let app: AppServer;
  try {
    app = await startApp({
      port,
      vars: { ...vars, DATABASE_URL: proxied.toString(), PG_RELAY_URL: helper.info.relayUrl, ALLOWED_ORIGINS: `http://127.0.0.1:${port}` },
    });
  } catch (err) {
    await helper.close();
    throw err;
  }
  return {
    app,
    async setDelay(ms) {
      const answer = await helper.command(`delay ${ms}`);
      if (answer !== 'ok') throw new Error(`fault proxy: ${answer}`);
    },
    async stop() {
      await app.stop();
      await helper.close();
    },
  };
}
