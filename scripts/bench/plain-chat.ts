/**
 * The side-by-side baseline: a plain Durable Object chat (plain-chat/worker.js,
 * in the style of Cloudflare's workers-chat-demo: messages in the object's own
 * storage, no auth, no database) on the same workerd and wrangler dev as the app,
 * measured by the same probes: fan-out at 10 sockets and the cold-room trio.
 */
import path from 'node:path';
import { startApp, type AppServer } from '../lib/app-server';
import { projectRoot } from '../lib/paths';
import { AppClient, closeAll, type BenchUser } from './app-client';
import { measureColdRooms, type ColdRoomResult } from './cold-room';
import { probeFanout, type FanoutResult } from './fanout-probe';
import { mapLimit } from './stats';

export const PLAIN_CHAT_CONFIG = path.join(projectRoot, 'scripts/bench/plain-chat/wrangler.toml');

/** Anyone: the plain chat checks nothing, and AppClient.openSocket's ?token= is simply ignored. */
const ANONYMOUS: BenchUser = { id: 'anonymous', username: 'anonymous', token: 'none' };

export function startPlainChat(): Promise<AppServer> {
  return startApp({ configPath: PLAIN_CHAT_CONFIG, vars: {} });
}

export interface PlainChatResult {
  fanout10: FanoutResult;
  coldRoom: ColdRoomResult;
}

export async function measurePlainChat(opts: {
  messages: number;
  warmup: number;
  coldRuns: number;
  log: (m: string) => void;
}): Promise<PlainChatResult> {
  const app = await startPlainChat();
  try {
    const client = new AppClient(app.baseUrl);
    const sockets = await mapLimit(Array.from({ length: 10 }), 10, () => client.openSocket(ANONYMOUS, 'fanout10'));
    let fanout10: FanoutResult;
    try {
      fanout10 = await probeFanout({ sockets, messages: opts.messages, warmup: opts.warmup, tag: 'plain10', expectAck: true });
    } finally {
      await closeAll(sockets);
    }
    opts.log(`plain DO chat, 10 sockets: p50 ${fanout10.all.p50} ms, p99 ${fanout10.all.p99} ms (ack p99 ${fanout10.ack?.p99} ms)`);
    const coldRoom = await measureColdRooms({
      runs: opts.coldRuns,
      restart: () => app.restart(),
      rooms: ['cold-a', 'cold-b'],
      open: (room) => client.openSocket(ANONYMOUS, room),
      tag: 'plaincold',
    });
    opts.log(`plain DO chat, cold room: after restart p50 ${coldRoom.afterRestart.p50} ms, warm p50 ${coldRoom.warm.p50} ms`);
    return { fanout10, coldRoom };
  } finally {
    await app.stop();
  }
}
