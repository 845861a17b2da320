/**
 * History under concurrent readers: GET /api/rooms/:id/messages (newest page of
 * 50) from one reader in a closed loop, then from ten at once. With a
 * connection per request and nothing shared, ten readers queue for Postgres
 * connections; the target is p50 at 10 readers within 3× of one reader.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { AppClient, BenchUser } from './app-client';
import { seed } from './history';
import { ratio, summarize, type Summary } from './stats';

export interface HistoryLoadResult {
  depth: number;
  oneReader: Summary;
  tenReaders: Summary;
  /** tenReaders p50 / oneReader p50 (target ≤ 3). */
  tenOverOneP50: number | null;
  tenReadersPerSecond: number;
}

async function readLoop(client: AppClient, user: BenchUser, path: string, count: number, samples: number[]): Promise<void> {
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const page = await client.json<{ messages: unknown[] }>('GET', path, undefined, user.token);
    samples.push(performance.now() - t0);
    if (page.messages.length !== 50) throw new Error(`history page of ${page.messages.length} messages, not 50: the page did not read Postgres`);
  }
}

export async function measureHistoryLoad(
  client: AppClient,
  readers: BenchUser[],
  databaseUrl: string,
  opts: { depth: number; requests: number; log: (m: string) => void },
): Promise<HistoryLoadResult> {
  const roomId = await client.createGroup(readers[0]!, 'history load', readers);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    await seed(pool, roomId, readers[0]!.id, opts.depth);
  } finally {
    await pool.end();
  }
  // One socket opens the room, which adopts the seeded highest seq (the room's log is empty):
  // without it the room takes itself for new and the page reads nothing from Postgres.
  await (await client.openSocket(readers[0]!, roomId)).close();
  const path = `/api/rooms/${roomId}/messages?limit=50`;
  await readLoop(client, readers[0]!, path, 10, []); // warm-up
  const one: number[] = [];
  await readLoop(client, readers[0]!, path, opts.requests, one);
  const ten: number[] = [];
  const t0 = performance.now();
  await Promise.all(readers.slice(0, 10).map((r) => readLoop(client, r, path, opts.requests, ten)));
  const elapsed = performance.now() - t0;
  const result: HistoryLoadResult = {
    depth: opts.depth,
    oneReader: summarize(one),
    tenReaders: summarize(ten),
    tenOverOneP50: ratio(summarize(ten).p50, summarize(one).p50),
    tenReadersPerSecond: Math.round((ten.length / elapsed) * 1000),
  };
  opts.log(`history load: 1 reader p50 ${result.oneReader.p50} ms, 10 readers p50 ${result.tenReaders.p50} ms (${result.tenOverOneP50}×)`);
  return result;
}
