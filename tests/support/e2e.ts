/**
 * What most end-to-end tests need against the running app: a REST client over
 * the network, a way to open an authenticated room socket as a user, and checks
 * that an error response is the documented JSON and leaks nothing.
 */
import { expect } from 'vitest';
import { TestApi, type TestUser } from './api';
import { appInfo } from './app';
import WebSocket from 'ws';
import { inboxFrameSchema, type InboxFrame } from '../../durable-objects/protocol';
import { FrameInbox } from './frames';
import { connectSocket, type TestSocket } from './ws-client';

export function e2eApi(): TestApi {
  const { baseUrl, origin } = appInfo();
  return new TestApi((url, init) => fetch(url, init), baseUrl, origin);
}

/** Connects `user` to the room with a fresh ticket, from the app's own origin. */
export async function connectAs(api: TestApi, user: TestUser, roomId: string, after?: number): Promise<TestSocket> {
  const ticket = await api.ticket(user, roomId);
  return connectSocket(api.baseUrl, roomId, { ticket, after, origin: api.origin });
}

/** Two fresh users and their direct conversation. */
export async function directPair(api: TestApi) {
  const [alice, bob] = await Promise.all([api.register('alice'), api.register('bob')]);
  const roomId = await api.openDirect(alice, bob);
  return { alice, bob, roomId };
}

/** Patterns that betray a stack trace or an internal error message in a response body. */
const LEAKS = [/\bat \S+ \(/, /\bat .*\.(ts|js|mjs):\d+/, /\.ts:\d+/, /\bError:/, /node_modules/, /\bstack\b/i];

export function expectNoLeak(body: string): void {
  for (const pattern of LEAKS) expect(body, `response body matches ${pattern}`).not.toMatch(pattern);
}

/** Asserts `res` is `status` with a `{ error: { code, message } }` JSON body that leaks nothing; returns the error. */
export async function expectError(res: Response, status: number, code?: string): Promise<{ code: string; message: string }> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  expectNoLeak(text);
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  expect(body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
  expect(body.error.message.length).toBeGreaterThan(0);
  if (code) expect(body.error.code).toBe(code);
  return body.error;
}

/** Waits until `check` returns true, polling; for state only observable by asking again. */
export async function until(check: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Opens `user`'s inbox socket (/ws/inbox) with a fresh ticket and waits for `inbox_ready`. */
export async function connectInboxAs(api: TestApi, user: TestUser) {
  const { ticket } = await api.json<{ ticket: string }>('POST', '/api/inbox/ws-ticket', undefined, user.token);
  const url = `${api.baseUrl.replace(/^http/, 'ws')}/ws/inbox?ticket=${encodeURIComponent(ticket)}`;
  const ws = new WebSocket(url, { origin: api.origin, handshakeTimeout: 10_000 });
  ws.on('error', () => {});
  const inbox = new FrameInbox<InboxFrame>(ws as never, inboxFrameSchema);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`inbox upgrade refused: HTTP ${res.statusCode}`)));
  });
  const ready = await inbox.next('inbox_ready');
  return { ws, inbox, ready, close: () => ws.terminate() };
}

/** Uploads a file to the room as `user` (POST /attachments); returns the upload's id. */
export async function uploadAs(api: TestApi, user: TestUser, roomId: string, kind: 'image' | 'file', name: string, bytes: Uint8Array, contentType: string): Promise<string> {
  const res = await fetch(`${api.baseUrl}/api/rooms/${roomId}/attachments?kind=${kind}&name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { origin: api.origin, authorization: `Bearer ${user.token}`, 'content-type': contentType },
    body: bytes as BufferSource,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`upload → ${res.status}: ${text}`);
  return (JSON.parse(text) as { attachment: { id: string } }).attachment.id;
}

/** A small PDF uploaded to the room as `user` (not sent yet): its attachment id. */
export function uploadFile(api: TestApi, user: TestUser, roomId: string, name: string): Promise<string> {
  return uploadAs(api, user, roomId, 'file', name, new TextEncoder().encode('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n'), 'application/pdf');
}
