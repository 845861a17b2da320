/**
 * The port `npm start` serves on: PORT, else 8787. Checked before anything is
 * built or started, so a taken port costs a second and names this project's
 * knob, not a workerd stack trace that suggests wrangler's `--port`.
 */
import { isPortFree } from './free-port';

export const DEFAULT_DEV_PORT = 8787;

/** PORT as a TCP port number; a clear error for anything else. */
export function devPort(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.PORT?.trim();
  if (!raw) return DEFAULT_DEV_PORT;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
    throw new Error(`PORT=${JSON.stringify(env.PORT)} is not a TCP port: set PORT to a number from 1 to 65535 (default ${DEFAULT_DEV_PORT})`);
  }
  return port;
}

/** Rejects with the fix named when something already listens on host:port. */
export async function assertDevPortFree(port: number, host = '127.0.0.1'): Promise<void> {
  if (await isPortFree(port, host)) return;
  throw new Error(`port ${port} is in use — set PORT=… to use another (e.g. PORT=${port === 65535 ? port - 1 : port + 1} npm start)`);
}
