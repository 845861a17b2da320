/**
 * For *.worker.test.ts: the Worker under test (running in the same workerd as
 * the tests), a REST client over it, and WebSockets opened through it.
 */
import { exports } from 'cloudflare:workers';
import { inboxFrameSchema, type InboxFrame } from '../../durable-objects/protocol';
import type { Env as WorkerEnv } from '../../durable-objects/shared/env';
import { WORKERS_TEST_ORIGIN } from '../../scripts/lib/test-settings';
import { TestApi, type TestUser } from './api';
import { FrameInbox } from './frames';

export const worker = (exports as unknown as { default: Fetcher }).default;
export const api = new TestApi((url, init) => worker.fetch(url, init), WORKERS_TEST_ORIGIN, WORKERS_TEST_ORIGIN);

export function upgrade(path: string, origin = WORKERS_TEST_ORIGIN): Promise<Response> {
  return worker.fetch(`${WORKERS_TEST_ORIGIN}${path}`, { headers: { upgrade: 'websocket', origin } });
}

async function open(path: string): Promise<WebSocket> {
  const res = await upgrade(path);
  const ws = res.webSocket;
  if (!ws) throw new Error(`upgrade of ${path} refused: ${res.status} ${await res.text()}`);
  ws.accept();
  return ws;
}

export async function connectRoom(user: TestUser, roomId: string, after?: number) {
  const ticket = await api.ticket(user, roomId);
  const ws = await open(`/ws/rooms/${roomId}?ticket=${ticket}${after === undefined ? '' : `&after=${after}`}`);
  const inbox = new FrameInbox(ws as never);
  const ready = await inbox.next('ready');
  return { ws, inbox, ready, send: (frame: unknown) => ws.send(JSON.stringify(frame)) };
}

export async function connectInbox(user: TestUser) {
  const { ticket } = await api.json<{ ticket: string }>('POST', '/api/inbox/ws-ticket', undefined, user.token);
  const ws = await open(`/ws/inbox?ticket=${ticket}`);
  const inbox = new FrameInbox<InboxFrame>(ws as never, inboxFrameSchema);
  const ready = await inbox.next('inbox_ready');
  return { ws, inbox, ready };
}

/** Asks an open inbox socket for a room's ticket; resolves with its answer (`ticket` or `error`) for that request. */
export async function inboxTicket(inbox: Awaited<ReturnType<typeof connectInbox>>, roomId: string) {
  const requestId = crypto.randomUUID();
  inbox.ws.send(JSON.stringify({ type: 'ticket', requestId, roomId }));
  return inbox.inbox.nextOf(['ticket', 'error'] as const, undefined, (f) => f.requestId === requestId);
}

declare global {
  // `env` from cloudflare:test is typed by this interface: the Worker's own bindings.
  namespace Cloudflare {
    interface Env extends WorkerEnv {}
  }
}
