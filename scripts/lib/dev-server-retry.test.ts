import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_SERVER_RESTARTED, retryDevServerRestarts } from './dev-server-retry';

/** Answers each path's queued replies in turn, recording the bodies it received. */
const replies = new Map<string, { status: number; type: string; body: string }[]>();
const received: string[] = [];
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push(`${req.method} ${req.url} ${body}`);
      const next = replies.get(req.url!)?.shift() ?? { status: 200, type: 'application/json', body: '{"ok":true}' };
      res.writeHead(next.status, { 'content-type': next.type }).end(next.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const restarted = { status: 503, type: 'text/plain', body: `${DEV_SERVER_RESTARTED} Please try sending the request again.` };
const fetchOnce = retryDevServerRestarts(fetch, () => {});

describe('retryDevServerRestarts', () => {
  it("sends a POST again, body and all, after wrangler dev's restart answer", async () => {
    received.length = 0;
    replies.set('/a', [restarted]);
    const res = await fetchOnce(`${base}/a`, { method: 'POST', body: '{"x":1}' });
    expect(res.status).toBe(200);
    expect(received).toEqual(['POST /a {"x":1}', 'POST /a {"x":1}']);
  });

  it('also for a Request object', async () => {
    received.length = 0;
    replies.set('/b', [restarted]);
    const res = await fetchOnce(new Request(`${base}/b`, { method: 'PUT', body: 'data' }));
    expect(res.status).toBe(200);
    expect(received).toEqual(['PUT /b data', 'PUT /b data']);
  });

  it("leaves the app's own 503s alone, and tries only once", async () => {
    received.length = 0;
    replies.set('/c', [{ status: 503, type: 'application/json', body: '{"error":{"code":"unavailable"}}' }]);
    expect((await fetchOnce(`${base}/c`, { method: 'POST', body: '1' })).status).toBe(503);
    replies.set('/d', [restarted, restarted]);
    expect((await fetchOnce(`${base}/d`, { method: 'POST', body: '2' })).status).toBe(503);
    expect(received).toEqual(['POST /c 1', 'POST /d 2', 'POST /d 2']);
  });
});
