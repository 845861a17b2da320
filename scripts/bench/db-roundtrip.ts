/**
 * Where a commit's time goes, measured from Node against the same database:
 * - `select 1` over plain TCP (node-postgres) and through the WebSocket relay
 *   with the product's own driver setup (drizzle/connection.ts), so the
 *   relay's hop can be told apart from Postgres itself;
 * - a fresh connection through the relay (open, `select 1`, close): what every
 *   REST request and WebSocket upgrade pays, since the Worker opens a pool per request;
 * - the product's writeRoomLog statement (the outbox flush) through the relay at several batch
 *   sizes: the cost of one group commit as a function of its size.
 * It runs in Node, not workerd, so it is the database side only, not the room's.
 *
 * The driver's coalesceWrites (on by default) flushes writes from a
 * setTimeout(0), which Node clamps to 1 ms: ~1.2 ms added to every round trip
 * here that workerd does not pay (switching it off there left the room's ack
 * latency unchanged). So the relay figures are taken with it off, and once with
 * the driver's default to show that artifact.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { neonConfig } from '@neondatabase/serverless';
import pg from 'pg';
import WebSocket from 'ws';
import { drizzleOver, openPool } from '../../drizzle/connection';
import { writeRoomLog } from '../../drizzle/queries/messages';
import type { WireMessage } from '../../durable-objects/protocol';
import { round, summarize, type Summary } from './stats';

export interface DbRoundTripResult {
  selectOneTcp: Summary;
  selectOneViaRelay: Summary;
  /** With the driver's default coalesceWrites: in Node, + a 1 ms timer per round trip. */
  selectOneViaRelayNodeCoalescing: Summary;
  newConnectionViaRelay: Summary;
  /** writeRoomLog (the outbox's flush) through the relay, by batch size: per statement and per message. */
  insertBatchViaRelay: Record<string, { statement: Summary; perMessageMs: number }>;
}

async function timeMany(count: number, fn: () => Promise<unknown>): Promise<Summary> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return summarize(samples, 3);
}

export async function measureDbRoundTrips(
  databaseUrl: string,
  relayUrl: string,
  opts: { count: number; batchSizes: number[]; batchReps: number },
): Promise<DbRoundTripResult> {
  // Node 20 has no global WebSocket; workerd does. Otherwise the Worker's own setup (drizzle/connection.ts).
  neonConfig.webSocketConstructor = WebSocket;
  const env = { DATABASE_URL: databaseUrl, PG_RELAY_URL: relayUrl };

  const tcp = new pg.Client({ connectionString: databaseUrl });
  await tcp.connect();
  const coalescingPool = openPool(env, { max: 1 });
  await coalescingPool.query('select 1');
  const selectOneViaRelayNodeCoalescing = await timeMany(opts.count, () => coalescingPool.query('select 1'));
  await coalescingPool.end();
  neonConfig.coalesceWrites = false;
  const relayPool = openPool(env, { max: 1 });
  try {
    await tcp.query('select 1');
    await relayPool.query('select 1');
    const selectOneTcp = await timeMany(opts.count, () => tcp.query('select 1'));
    const selectOneViaRelay = await timeMany(opts.count, () => relayPool.query('select 1'));
    const newConnectionViaRelay = await timeMany(Math.min(opts.count, 50), async () => {
      const pool = openPool(env, { max: 1 });
      await pool.query('select 1');
      await pool.end();
    });

    // A scratch user and room for the inserts, so no other phase sees them.
    const userId = randomUUID();
    const roomId = randomUUID();
    await tcp.query(
      `insert into users (id, username, email, display_name, password_hash) values ($1, $2, $3, 'bench', 'x')`,
      [userId, `dbrt_${userId.slice(0, 8)}`, `dbrt_${userId.slice(0, 8)}@bench.test`],
    );
    await tcp.query(`insert into rooms (id, kind, name) values ($1, 'group', 'db round trips')`, [roomId]);
    const db = drizzleOver(relayPool);
    let seq = 0;
    const insertBatchViaRelay: DbRoundTripResult['insertBatchViaRelay'] = {};
    for (const size of opts.batchSizes) {
      const statement = await timeMany(opts.batchReps, () => {
        const batch: WireMessage[] = Array.from({ length: size }, () => ({
          id: randomUUID(),
          roomId,
          seq: ++seq,
          senderId: userId,
          type: 'text',
          clientId: `dbrt-${seq}`,
          content: `throughput message dbrt-${seq}`,
          replyToSeq: null,
          createdAt: new Date().toISOString(),
          editedAt: null,
          deletedAt: null,
          reactions: [],
        }));
        return writeRoomLog(db, roomId, batch, []);
      });
      insertBatchViaRelay[String(size)] = { statement, perMessageMs: round(statement.p50 / size, 3) };
    }
    return { selectOneTcp, selectOneViaRelay, selectOneViaRelayNodeCoalescing, newConnectionViaRelay, insertBatchViaRelay };
  } finally {
    neonConfig.coalesceWrites = true;
    await tcp.end();
    await relayPool.end();
  }
}
