/**
 * kill -9 of the PostgreSQL postmaster while members stream messages. The room
 * acks from its own storage, so sends keep being acked and delivered while the
 * database is gone; once it is back the outbox drains, and Postgres holds every
 * acked message once, seqs contiguous, as every client saw them.
 * The cluster is a scratch one of this test's own (initdb in a temp dir), so the
 * kill disturbs no other test and no other run sharing the project's cluster.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/free-port';
import { ensureLocalPostgres, type LocalPostgres } from '../../scripts/lib/local-postgres';
import { migrateDatabase } from '../../scripts/lib/migrate';
import { processAlive } from '../../scripts/lib/process-alive';
import { until } from '../support/e2e';
import { groupWithClients, sleep, startFaultyStack, stopAll, stream, verifyRoom, type FaultyStack, type RoomClient } from '../support/faults';

const usesLocalCluster = !process.env.DATABASE_URL;
let dataDir: string;
let port: number;
let cluster: LocalPostgres | undefined;
let stack: FaultyStack | undefined;
let clients: RoomClient[] = [];

const startCluster = () => ensureLocalPostgres({ dataDir, port, database: 'edge_chat_faults', log: () => {} });

/** The postmaster's pid, from the first line of postmaster.pid. */
function postmasterPid(): number {
  const pidFile = path.join(cluster!.pgdata, 'postmaster.pid');
  return Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
}

/** Starts the cluster again after a crash: its orphaned backends may hold the shared memory a moment longer. */
async function restartAfterCrash(timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      cluster = await startCluster();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(500);
    }
  }
}

beforeAll(async () => {
  if (!usesLocalCluster) return;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-chat-pgkill-'));
  fs.chmodSync(dataDir, 0o755); // the server runs as `postgres` when we are root
  port = await freePort();
  cluster = await startCluster();
  await migrateDatabase(cluster.url);
  stack = await startFaultyStack({ databaseUrl: cluster.url });
}, 180_000);

afterAll(async () => {
  stopAll(clients);
  await stack?.stop();
  await cluster?.stop().catch(() => {});
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!usesLocalCluster)('kill -9 of PostgreSQL mid-stream', () => {
  it('keeps acking and delivering while Postgres is gone, then stores everything acked exactly once', async () => {
    const group = await groupWithClients(stack!.api, 4, {}, 'pk');
    clients = group.clients;
    const senders = clients.slice(0, 2);
    const acks = () => senders.reduce((n, c) => n + c.acks.size, 0);

    const sending = stream(senders, { count: 150, intervalMs: 20, window: 10, ackTimeoutMs: 120_000 });
    sending.catch(() => {});
    while (acks() < 60) await sleep(10);

    const pid = postmasterPid();
    process.kill(pid, 'SIGKILL');
    const killedAt = Date.now();
    while (processAlive(pid)) await sleep(10);
    const ackedAtKill = acks();
    // With no database at all the room keeps acking, and everyone keeps receiving: wait for 40
    // more acks and their delivery to every client (the events, however slow the machine).
    await until(
      () => acks() >= ackedAtKill + 40 && Math.min(...clients.map((c) => c.lastSeq)) >= ackedAtKill + 30,
      60_000,
      '40 acks and their delivery with Postgres down',
    );
    expect(processAlive(pid), 'Postgres still down').toBe(false);
    const ackedWhileDown = acks() - ackedAtKill;
    const deliveredWhileDown = Math.min(...clients.map((c) => c.lastSeq));
    await restartAfterCrash();
    const downMs = Date.now() - killedAt;
    await sending;

    expect(ackedAtKill, 'the kill came mid-stream').toBeLessThan(250);
    expect(ackedWhileDown, `acks after the kill (database down ${downMs} ms in all)`).toBeGreaterThanOrEqual(40);
    expect(deliveredWhileDown, 'every client received what was acked while the database was down').toBeGreaterThanOrEqual(ackedAtKill + 30);
    const { stored } = await verifyRoom({ databaseUrl: cluster!.url, roomId: group.roomId, clients, flushTimeoutMs: 60_000 });
    expect(stored).toBeGreaterThanOrEqual(300);
  }, 240_000);
});
