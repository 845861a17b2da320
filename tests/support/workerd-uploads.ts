/** Uploads and downloads through the real Worker, shared by the workerd attachment tests. */
import type { WireMessage } from '../../durable-objects/protocol';
import { WORKERS_TEST_ORIGIN } from '../../scripts/lib/test-settings';
import type { TestUser } from './api';
import { api, worker } from './workerd-client';

export const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4]);
export const PDF = new TextEncoder().encode('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n');

/** POST /attachments as `user`: the raw response. */
export function upload(user: TestUser, roomId: string, body: BodyInit, query: string, headers: Record<string, string> = {}) {
  return worker.fetch(`${WORKERS_TEST_ORIGIN}/api/rooms/${roomId}/attachments?${query}`, {
    method: 'POST',
    headers: { origin: WORKERS_TEST_ORIGIN, authorization: `Bearer ${user.token}`, ...headers },
    body,
  });
}

/** An upload that must succeed: its attachment. */
export async function uploaded(user: TestUser, roomId: string, body: Uint8Array, query: string, type = 'application/octet-stream') {
  const res = await upload(user, roomId, body, query, { 'content-type': type });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`upload → ${res.status}: ${text}`);
  return (JSON.parse(text) as { attachment: NonNullable<WireMessage['attachment']> }).attachment;
}

export function download(user: TestUser, path: string) {
  return worker.fetch(`${WORKERS_TEST_ORIGIN}${path}`, { headers: { authorization: `Bearer ${user.token}` } });
}

/** Two people and their direct room. */
export async function pair() {
  const [alice, bob] = [await api.register('alice'), await api.register('bob')];
  return { alice, bob, roomId: await api.openDirect(alice, bob) };
}
