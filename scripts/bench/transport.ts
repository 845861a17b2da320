/**
 * The transport's own cost, measured in the same run as the app so the report
 * can say how much the app adds on top:
 * - a plain `ws` broadcast server in this Node process on loopback: the same
 *   client code, the same frame size, the same fan-out probe, but no wrangler,
 *   no workerd, no Durable Object, no Postgres;
 * - the room socket's `{"type":"ping"}` → pong round trip, answered by workerd
 *   itself (setWebSocketAutoResponse) without running the object's JavaScript:
 *   the path client → wrangler dev → workerd → client, with nothing of ours on it.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import WebSocket, { WebSocketServer } from 'ws';
import { PING_FRAME } from '../../durable-objects/protocol';
import type { BenchSocket, Frame } from './app-client';
import { probeFanout, type FanoutResult, type FrameSocket } from './fanout-probe';
import { mapLimit, summarize, type Summary } from './stats';

/** A broadcast server shaped like a room: each `send` becomes one `message` frame to every socket, encoded once. */
async function startBroadcastServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  let seq = 0;
  const roomId = randomUUID();
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const send = JSON.parse(data.toString()) as { clientId: string; content: string };
      // The same fields a room's `message` frame carries, so frames are the same size.
      const encoded = JSON.stringify({
        type: 'message',
        message: {
          id: randomUUID(),
          roomId,
          seq: ++seq,
          senderId: randomUUID(),
          clientId: send.clientId,
          type: 'text',
          content: send.content,
          replyToSeq: null,
          createdAt: new Date().toISOString(),
          editedAt: null,
          deletedAt: null,
          reactions: [],
        },
      });
      for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(encoded);
    });
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

function connectPlain(url: string): Promise<FrameSocket & { ws: WebSocket }> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const socket = {
    ws,
    onFrame: (_frame: Frame, _at: number) => {},
    send: (frame: unknown) => ws.send(JSON.stringify(frame)),
  };
  // Same work per frame as the app's client: timestamp, then JSON.parse.
  ws.on('message', (data) => {
    const at = performance.now();
    socket.onFrame(JSON.parse(data.toString()) as Frame, at);
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(socket));
    ws.once('error', reject);
  });
}

/** Fan-out of the plain `ws` server for each room size, with the app's message counts. */
export async function wsBroadcastBaseline(
  sizes: number[],
  messages: number,
  warmup: number,
): Promise<Record<string, FanoutResult>> {
  const server = await startBroadcastServer();
  const results: Record<string, FanoutResult> = {};
  try {
    for (const size of sizes) {
      const sockets = await mapLimit(Array.from({ length: size }), 20, () => connectPlain(server.url));
      results[String(size)] = await probeFanout({ sockets, messages, warmup, tag: `base${size}`, expectAck: false });
      for (const s of sockets) s.ws.terminate();
    }
  } finally {
    await server.close();
  }
  return results;
}

/** Sequential ping → pong round trips on one room socket (the runtime answers; the object sleeps on). */
export async function pingRoundTrips(socket: BenchSocket, count: number, timeoutMs = 5_000): Promise<Summary & { lost: number }> {
  const samples: number[] = [];
  let lost = 0;
  const previous = socket.onFrame;
  try {
    for (let i = 0; i < count; i++) {
      const ok = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        const t0 = performance.now();
        socket.onFrame = (frame, at) => {
          if (frame.type !== 'pong') return;
          clearTimeout(timer);
          samples.push(at - t0);
          resolve(true);
        };
        socket.send(PING_FRAME);
      });
      if (!ok) lost += 1;
    }
  } finally {
    socket.onFrame = previous;
  }
  return { ...summarize(samples), lost };
}
