/**
 * A big room (issue 18): 1,000 sockets in one group — 100 members with 10 sockets
 * each, since a group holds at most 256 people — and the fan-out of one message
 * at a time to all of them (the same probe as fanout.ts: send → the last socket
 * has it). Memory per socket: workerd RSS and the isolate's live JS heap (after a
 * full GC) with the 1,000 open against before they opened. With --profile-big-room,
 * a second, shorter probe runs under the isolate's CPU profiler (top self times).
 */
import { performance } from 'node:perf_hooks';
import { AppClient, closeAll, type BenchUser, type BenchSocket } from './app-client';
import { probeFanout, type FanoutResult } from './fanout-probe';
import { describeTop, HeapInspector, inspectorPort } from './inspector';
import { appProcesses, rssKb } from './processes';
import { mapLimit, round } from './stats';

export interface BigRoomResult extends FanoutResult {
  sockets: number;
  members: number;
  openSeconds: number;
  rssKbPerSocket: number;
  jsHeapBytesPerSocket: number | null;
  profile?: { messages: number; busyMs: number; busyMsPerMessage: number; top: { fn: string; ms: number; share: number }[] };
}

export async function measureBigRoom(
  client: AppClient,
  users: BenchUser[],
  app: { persistTo: string; port: number },
  opts: { members: number; socketsPerMember: number; messages: number; warmup: number; profileMessages: number; log: (m: string) => void },
): Promise<BigRoomResult> {
  const members = users.slice(0, opts.members);
  if (members.length < opts.members) throw new Error(`need ${opts.members} users, have ${users.length}`);
  const { runtime, proxy } = appProcesses(app.persistTo, app.port);
  const rss = () => [...runtime, ...proxy].reduce((sum, pid) => sum + rssKb(pid), 0);
  const port = inspectorPort(app.persistTo);
  const inspector = port === undefined ? undefined : await HeapInspector.connect(port);
  const heap = async () => (inspector ? inspector.liveHeapBytes().catch(() => null) : null);

  const roomId = await client.createGroup(members[0]!, 'big room', members);
  const heapBefore = await heap();
  const rssBefore = rss();
  const t0 = performance.now();
  const seats = members.flatMap((u) => Array.from({ length: opts.socketsPerMember }, () => u));
  let sockets: BenchSocket[] = [];
  try {
    sockets = await mapLimit(seats, 20, (u) => client.openSocket(u, roomId, 60_000));
    const openSeconds = round((performance.now() - t0) / 1000, 1);
    const heapAfter = await heap();
    const rssAfter = rss();
    opts.log(`big room: ${sockets.length} sockets open in ${openSeconds} s; ${opts.warmup} warm-up + ${opts.messages} messages`);
    const fanout = await probeFanout({ sockets, messages: opts.messages, warmup: opts.warmup, tag: 'big', expectAck: true, timeoutMs: 30_000 });
    opts.log(`big room: delivery to all ${sockets.length} p50 ${fanout.all.p50} ms, p99 ${fanout.all.p99} ms (ack p50 ${fanout.ack?.p50} ms)`);
    let profile: BigRoomResult['profile'];
    if (inspector && opts.profileMessages > 0) {
      const run = await inspector.selfTimes(() =>
        probeFanout({ sockets, messages: opts.profileMessages, warmup: 0, tag: 'bigprof', expectAck: true, timeoutMs: 30_000 }),
      );
      profile = { messages: opts.profileMessages, busyMs: run.busyMs, busyMsPerMessage: round(run.busyMs / opts.profileMessages), top: run.top.slice(0, 15) };
      opts.log(`big room profile: ${profile.busyMsPerMessage} ms busy per message; top: ${describeTop(profile.top, 8)}`);
    }
    return {
      sockets: sockets.length,
      members: members.length,
      openSeconds,
      ...fanout,
      rssKbPerSocket: round((rssAfter - rssBefore) / sockets.length, 1),
      jsHeapBytesPerSocket: heapBefore !== null && heapAfter !== null ? round((heapAfter - heapBefore) / sockets.length, 0) : null,
      profile,
    };
  } finally {
    await closeAll(sockets);
    inspector?.close();
  }
}
