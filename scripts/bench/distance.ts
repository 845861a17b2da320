/**
 * Database distance: the app with a fault proxy (scripts/lib/fault-proxy.ts)
 * between the relay and Postgres, at several one-way delays. For each, a room
 * of 10 sockets (10 members) runs the fan-out probe: send → delivered to all,
 * and send → ack. With acks from the room's own storage, neither should move
 * with the distance; only the flush to Postgres (behind the ack) does.
 */
import { AppClient, closeAll, type BenchUser } from './app-client';
import { probeFanout, type FanoutResult } from './fanout-probe';
import { mapLimit } from './stats';

export const DISTANCE_ROOM_SIZE = 10;

export async function measureDbDistance(
  client: AppClient,
  users: BenchUser[],
  setDelay: (ms: number) => Promise<void>,
  opts: { delays: number[]; messages: number; warmup: number; log: (m: string) => void },
): Promise<Record<string, FanoutResult>> {
  const members = users.slice(0, DISTANCE_ROOM_SIZE);
  const results: Record<string, FanoutResult> = {};
  try {
    for (const delay of opts.delays) {
      await setDelay(delay);
      // A fresh room per distance: its object opens its database connection at this distance.
      const roomId = await client.createGroup(members[0]!, `distance ${delay}`, members);
      const sockets = await mapLimit(members, 10, (u) => client.openSocket(u, roomId));
      try {
        results[String(delay)] = await probeFanout({ sockets, messages: opts.messages, warmup: opts.warmup, tag: `dist${delay}`, expectAck: true });
      } finally {
        await closeAll(sockets);
      }
      const r = results[String(delay)]!;
      opts.log(`db distance ${delay} ms: delivery p50 ${r.all.p50} / p99 ${r.all.p99} ms, ack p50 ${r.ack?.p50} / p99 ${r.ack?.p99} ms`);
    }
  } finally {
    await setDelay(0);
  }
  return results;
}
