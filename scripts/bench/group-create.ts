/**
 * Group creation (issue 19): `POST /api/groups` for a group of 10 and of 256,
 * alternated, each time with members the app has never seen online (accounts
 * written straight to Postgres, so their inbox objects are cold, as for people
 * who have not opened the app for a while) plus a few members whose inbox socket
 * is open. Timed: the request, and the moment the last online member's inbox got
 * `rooms_changed` for the room (the live notice, sent after the response). While
 * each 256 is created, a registration runs beside it: its latency against one
 * run alone says whether a big group slows other requests.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import WebSocket from 'ws';
import type { AppClient, BenchUser } from './app-client';
import { ratio, summarize, type Summary } from './stats';

export interface GroupCreateResult {
  /** Members online (inbox socket open) in each group; the rest were never online. */
  onlineMembers: number;
  runs: number;
  createMs: Record<'10' | '256', Summary>;
  /** Request start → the last online member's inbox has `rooms_changed`. */
  liveNoticeMs: Record<'10' | '256', Summary>;
  createRatio256To10: number | null;
  registerAloneMs: Summary;
  registerDuring256Ms: Summary;
  registerRatio: number | null;
}

interface OpenInbox {
  ws: WebSocket;
  /** Resolves when this inbox hears `rooms_changed` for `roomId`. */
  told(roomId: string): Promise<number>;
}

async function openInbox(client: AppClient, user: BenchUser): Promise<OpenInbox> {
  const { ticket } = await client.json<{ ticket: string }>('POST', '/api/inbox/ws-ticket', undefined, user.token);
  const url = new URL('/ws/inbox', client.baseUrl.replace(/^http/, 'ws'));
  url.searchParams.set('ticket', ticket);
  const ws = new WebSocket(url, { origin: client.origin, handshakeTimeout: 30_000 });
  const heard = new Map<string, number>();
  const waiting = new Map<string, (at: number) => void>();
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; roomId?: string };
      if (frame.type === 'inbox_ready') resolve();
      if (frame.type === 'rooms_changed' && frame.roomId) {
        heard.set(frame.roomId, performance.now());
        waiting.get(frame.roomId)?.(performance.now());
      }
    });
    ws.once('error', reject);
  });
  return {
    ws,
    told: (roomId) => {
      const at = heard.get(roomId);
      if (at !== undefined) return Promise.resolve(at);
      return new Promise((resolve, reject) => {
        waiting.set(roomId, resolve);
        setTimeout(() => reject(new Error(`no rooms_changed for a new group within 60 s`)), 60_000).unref();
      });
    },
  };
}

/** Accounts written straight to Postgres: never signed in, so their inboxes are cold. */
async function seedUsers(databaseUrl: string, count: number): Promise<string[]> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const names = Array.from({ length: count }, () => `gc_${randomUUID().replaceAll('-', '').slice(0, 16)}`);
    await db.query(
      `insert into users (username, email, display_name, password_hash)
       select n, n || '@bench.test', n, 'not-a-hash' from unnest($1::text[]) as n`,
      [names],
    );
    return names;
  } finally {
    await db.end();
  }
}

export async function measureGroupCreate(
  client: AppClient,
  users: BenchUser[],
  databaseUrl: string,
  opts: { runs: number; onlineMembers: number; log: (m: string) => void },
): Promise<GroupCreateResult> {
  const [admin, ...rest] = users;
  const online = rest.slice(0, opts.onlineMembers);
  const inboxes = await Promise.all(online.map((u) => openInbox(client, u)));
  const createMs: Record<'10' | '256', number[]> = { '10': [], '256': [] };
  const liveNoticeMs: Record<'10' | '256', number[]> = { '10': [], '256': [] };
  const registerAlone: number[] = [];
  const registerDuring: number[] = [];
  const timedRegister = async () => {
    const t0 = performance.now();
    await client.register('gcreg');
    return performance.now() - t0;
  };
  try {
    for (let run = 0; run < opts.runs; run++) {
      for (const size of [10, 256] as const) {
        const cold = await seedUsers(databaseUrl, size - 1 - online.length);
        const members = [...online.map((u) => u.username), ...cold];
        registerAlone.push(await timedRegister());
        const t0 = performance.now();
        const creating = client.json<{ room: { id: string } }>('POST', '/api/groups', { name: `created ${size}`, members }, admin!.token);
        const registering = size === 256 ? timedRegister() : undefined;
        const { room } = await creating;
        createMs[size].push(performance.now() - t0);
        const toldAt = await Promise.all(inboxes.map((i) => i.told(room.id)));
        liveNoticeMs[size].push(Math.max(...toldAt) - t0);
        if (registering) registerDuring.push(await registering);
      }
      opts.log(`group create run ${run + 1}: 10 in ${createMs['10'].at(-1)!.toFixed(0)} ms, 256 in ${createMs['256'].at(-1)!.toFixed(0)} ms`);
    }
  } finally {
    for (const i of inboxes) i.ws.close();
  }
  const created = { '10': summarize(createMs['10']), '256': summarize(createMs['256']) };
  const registerAloneMs = summarize(registerAlone);
  const registerDuring256Ms = summarize(registerDuring);
  return {
    onlineMembers: online.length,
    runs: opts.runs,
    createMs: created,
    liveNoticeMs: { '10': summarize(liveNoticeMs['10']), '256': summarize(liveNoticeMs['256']) },
    createRatio256To10: ratio(created['256'].p50, created['10'].p50),
    registerAloneMs,
    registerDuring256Ms,
    registerRatio: ratio(registerDuring256Ms.p50, registerAloneMs.p50),
  };
}
