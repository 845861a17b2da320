/**
 * The Postgres relay in a process of its own for the bench (usage:
 * relay-process.ts host:port). In `npm test` it shares the test runner's
 * process; here that would put it on the load generator's event loop, so a busy
 * client would slow the database path it is measuring. Prints one JSON line
 * {"relayUrl": ...} once listening; exits when its stdin closes (the bench ended).
 */
import { startPgRelay } from '../lib/pg-relay';

const allow = process.argv.slice(2);
if (allow.length === 0) throw new Error('usage: relay-process.ts host:port [...]');
const relay = await startPgRelay({ allow });
process.stdout.write(`${JSON.stringify({ relayUrl: relay.relayUrl })}\n`);
process.stdin.resume();
process.stdin.on('end', () => void relay.close().finally(() => process.exit(0)));
process.on('SIGTERM', () => void relay.close().finally(() => process.exit(0)));
