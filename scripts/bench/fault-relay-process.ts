/**
 * The Postgres path with a fault proxy in it, in a process of its own for the
 * bench (usage: fault-relay-process.ts host:port): WebSocket relay → fault proxy
 * (scripts/lib/fault-proxy.ts) → PostgreSQL. Prints one JSON line
 * {"relayUrl", "proxyAddress"} once listening, then takes commands on stdin,
 * one per line, answering each with a line "ok" (or "error: ..."):
 *   delay <ms>     one-way delay, each direction
 * Exits when stdin closes (the bench ended).
 */
import readline from 'node:readline';
import { startFaultProxy } from '../lib/fault-proxy';
import { startPgRelay } from '../lib/pg-relay';

const target = process.argv[2];
if (!target) throw new Error('usage: fault-relay-process.ts host:port');
const proxy = await startFaultProxy({ target });
const relay = await startPgRelay({ allow: [proxy.address] });
process.stdout.write(`${JSON.stringify({ relayUrl: relay.relayUrl, proxyAddress: proxy.address })}\n`);

const close = () => void Promise.all([relay.close(), proxy.close()]).finally(() => process.exit(0));
const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [command, arg] = line.trim().split(/\s+/);
  if (command === 'delay' && Number(arg) >= 0) {
    proxy.delayMs = Number(arg);
    process.stdout.write('ok\n');
  } else {
    process.stdout.write(`error: unknown command "${line.trim()}"\n`);
  }
});
lines.on('close', close);
process.on('SIGTERM', close);
