/**
 * Web Push fan-out cost per message for a user with 3 devices (docs/performance.md):
 * what the inbox object does for one message once it decided to push — per device one
 * RFC 8291 encryption (a fresh ECDH key pair, HKDF, AES-GCM over the padded record) and
 * one VAPID JWT (ES256), then one POST — measured with the app's own code
 * (durable-objects/push/web-push.ts) on Node's Web Crypto on this machine, and delivered to
 * a local HTTP server. Standalone: `npx tsx scripts/bench/push-fanout.ts [messages]`.
 */
import { createECDH, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { buildPushRequest, pushTopic, sendPush, type PushTarget } from '../../durable-objects/push/web-push';
import { generateVapidKeys } from '../lib/vapid-keys';
import { round, summarize } from './stats';

const MESSAGES = Number(process.argv[2] ?? 300);
const DEVICES = 3;

function device(endpoint: string): PushTarget {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { endpoint, p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
}

async function main(): Promise<void> {
  let bytesIn = 0;
  const server = http.createServer((req, res) => {
    req.on('data', (c: Buffer) => (bytesIn += c.length));
    req.on('end', () => res.writeHead(201).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const vapid = { ...generateVapidKeys(), subject: 'mailto:bench@example.test' };
  const devices = Array.from({ length: DEVICES }, (_, i) => device(`${origin}/push/${i}`));
  const payload = { v: 1, kind: 'message', roomId: crypto.randomUUID(), url: '/chat/x', private: false, title: 'Alice in Plans', body: 'dinner at eight?' };
  const options = { ttl: 86_400, urgency: 'normal' as const };

  // Warm up (key import, JIT).
  for (let i = 0; i < 20; i++) await buildPushRequest(devices[0]!, payload, { ...options, topic: 'warm' }, vapid);

  const build: number[] = [];
  const cpuStart = process.cpuUsage();
  for (let m = 0; m < MESSAGES; m++) {
    const t = performance.now();
    for (const d of devices) await buildPushRequest(d, payload, { ...options, topic: await pushTopic(d, 'room:x') }, vapid);
    build.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpuStart);

  const deliver: number[] = [];
  const one = await buildPushRequest(devices[0]!, payload, { ...options, topic: 'x' }, vapid);
  const headerBytes = Object.entries(one.headers as Record<string, string>).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
  const bodyBytes = (one.body as Uint8Array).byteLength;
  bytesIn = 0;
  for (let m = 0; m < MESSAGES; m++) {
    const t = performance.now();
    const outcomes = await Promise.all(devices.map(async (d) => sendPush(d, payload, { ...options, topic: await pushTopic(d, 'room:x') }, vapid, 5000)));
    deliver.push(performance.now() - t);
    if (outcomes.some((o) => o.kind !== 'sent')) throw new Error(`a push failed: ${JSON.stringify(outcomes)}`);
  }
  server.close();

  console.log(
    JSON.stringify(
      {
        messages: MESSAGES,
        devices: DEVICES,
        node: process.version,
        buildMsPerMessage: summarize(build),
        cpuMsPerMessage: round((cpu.user + cpu.system) / 1000 / MESSAGES),
        buildAndDeliverLocalMsPerMessage: summarize(deliver),
        bytesPerPush: { body: bodyBytes, headers: headerBytes },
        bodyBytesReceivedPerMessage: Math.round(bytesIn / MESSAGES),
      },
      null,
      2,
    ),
  );
}

await main();
