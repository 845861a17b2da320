/**
 * The local Realtime stand-in as its own process (scripts/lib/realtime-standin/server.ts): the
 * test setup and `npm start` run it beside the app, so forwarding RTP never competes with the
 * test runner's event loop, and its CPU can be read apart. Usage:
 *   REALTIME_STANDIN_TOKEN=… tsx scripts/realtime-standin.ts <appId> [port]
 * Prints one JSON line `{ "url": "http://127.0.0.1:<port>/v1" }` once listening; exits when
 * its stdin closes (its parent went away) or on SIGTERM.
 */
import { startRealtimeStandin } from './lib/realtime-standin/server';

const [appId = 'standin', port] = process.argv.slice(2);
const token = process.env.REALTIME_STANDIN_TOKEN;
if (!token) {
  console.error('REALTIME_STANDIN_TOKEN is not set');
  process.exit(2);
}
const standin = await startRealtimeStandin({ appId, token, port: port ? Number(port) : undefined });
process.stdout.write(`${JSON.stringify({ url: standin.url })}\n`);
const stop = () => void standin.stop().finally(() => process.exit(0));
process.stdin.on('end', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
