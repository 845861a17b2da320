/**
 * Fan-out latency in the app: for rooms of 2, 10 and 100 sockets (one socket
 * per user, every user a group member), the time from `send` to the message
 * reaching every socket of the room. That path includes the room object's
 * commit to its own storage before the broadcast (Postgres is written behind
 * it), so the ack latency is reported beside it: the difference is the
 * broadcast. In the same room, the ping → pong round trip gives the
 * transport's own cost. With `profilePersistTo` (--profile-fanout), the room
 * of 10 then runs `profileMessages` more under the isolate's CPU profiler.
 */
import { performance } from 'node:perf_hooks';
import { AppClient, closeAll, type BenchUser } from './app-client';
import { describeFanoutProfile, probeFanout, profileFanout, type FanoutProfile, type FanoutResult } from './fanout-probe';
import { mapLimit, round, type Summary } from './stats';
import { pingRoundTrips } from './transport';

export interface RoomFanout extends FanoutResult {
  sockets: number;
  users: number;
  /** Transport round trip on one of this room's sockets, measured right after. */
  pingRoundTrip: Summary & { lost: number };
  /** Fan-out p99 minus the ping round trip's p99, in ms. */
  p99AbovePingMs: number;
  profile?: FanoutProfile;
}

export async function measureFanout(
  client: AppClient,
  users: BenchUser[],
  opts: {
    sizes: number[];
    messages: number;
    warmup: number;
    pings: number;
    deadline: number;
    profilePersistTo?: string;
    profileMessages: number;
    log: (m: string) => void;
  },
): Promise<Record<string, RoomFanout>> {
  const results: Record<string, RoomFanout> = {};
  for (const size of opts.sizes) {
    if (users.length < size) throw new Error(`need ${size} users for a room of ${size}, have ${users.length}`);
    const members = users.slice(0, size);
    const roomId = await client.createGroup(members[0]!, `fanout ${size}`, members);
    const sockets = await mapLimit(members, 20, (u) => client.openSocket(u, roomId));
    opts.log(`fan-out: room of ${size} sockets open; ${opts.warmup} warm-up + ${opts.messages} messages`);
    try {
      const fanout = await probeFanout({
        sockets,
        messages: opts.messages,
        warmup: opts.warmup,
        tag: `fan${size}`,
        expectAck: true,
        deadline: opts.deadline,
      });
      const ping = await pingRoundTrips(sockets[0]!, opts.pings);
      const profile =
        size === 10 && opts.profilePersistTo ? await profileFanout(opts.profilePersistTo, sockets, opts.profileMessages, `fanprof${size}`) : undefined;
      if (profile) opts.log(describeFanoutProfile('app, room of 10:', profile));
      results[String(size)] = {
        sockets: size,
        users: size,
        ...fanout,
        pingRoundTrip: ping,
        p99AbovePingMs: round(fanout.all.p99 - ping.p99),
        profile,
      };
      opts.log(`fan-out ${size}: p50 ${fanout.all.p50} ms, p99 ${fanout.all.p99} ms (ack p50 ${fanout.ack?.p50} ms; ping p99 ${ping.p99} ms)`);
    } finally {
      await closeAll(sockets);
    }
    if (performance.now() > opts.deadline) break;
  }
  return results;
}
