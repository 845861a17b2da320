/**
 * How far I read each thread, kept for me on the server (issue 25: a thread's unread state is
 * mine on every device, not one browser's), against `wrangler dev` and PostgreSQL: a mark made
 * with one session is read back with another, only moves forward, is mine alone, is refused to
 * people outside the room (and to bad input, with a clear 4xx), and goes when I leave.
 */
import { describe, expect, it } from 'vitest';
import { e2eApi, expectError } from '../support/e2e';
import type { TestUser } from '../support/api';

const api = e2eApi();

const reads = async (u: { token: string }, roomId: string) => {
  const res = await api.request('GET', `/api/rooms/${roomId}/thread-reads`, undefined, u.token);
  expect(res.status).toBe(200);
  return ((await res.json()) as { reads: Record<string, number> }).reads;
};
const mark = (u: { token: string }, roomId: string, rootSeq: number | string, body: unknown) =>
  api.request('PUT', `/api/rooms/${roomId}/thread-reads/${rootSeq}`, body, u.token);

/** The same person signed in a second time: another device. */
async function secondDevice(u: TestUser): Promise<{ token: string }> {
  const res = await api.request('POST', '/api/auth/login', { login: u.username, password: u.password });
  expect(res.status).toBe(200);
  return (await res.json()) as { token: string };
}

describe('thread reads', () => {
  it('a mark made on one device is there on another, only moves forward, and is mine alone', async () => {
    const [ann, ben, cat] = await Promise.all([api.register('trann'), api.register('trben'), api.register('trcat')]);
    const roomId = await api.createGroup(ann, 'Threads read', [ben, cat]);
    const phone = await secondDevice(ann);
    expect(await reads(phone, roomId)).toEqual({});

    expect((await mark(ann, roomId, 3, { seq: 7 })).status).toBe(204);
    expect((await mark(ann, roomId, 10, { seq: 12 })).status).toBe(204);
    expect(await reads(phone, roomId)).toEqual({ 3: 7, 10: 12 });
    // A device that reports late (an older reply) does not un-read the thread.
    expect((await mark(phone, roomId, 3, { seq: 5 })).status).toBe(204);
    expect((await mark(phone, roomId, 10, { seq: 15 })).status).toBe(204);
    expect(await reads(ann, roomId)).toEqual({ 3: 7, 10: 15 });
    // Ben's reading is his own.
    expect(await reads(ben, roomId)).toEqual({});

    // Leaving the group takes my marks with the membership: a former member (who still reads the
    // history up to then) has none, and can make none.
    expect((await mark(cat, roomId, 3, { seq: 9 })).status).toBe(204);
    expect((await api.request('POST', `/api/groups/${roomId}/leave`, undefined, cat.token)).status).toBeLessThan(300);
    expect(await reads(cat, roomId)).toEqual({});
    await expectError(await mark(cat, roomId, 3, { seq: 7 }), 403);
  });

  it('refuses strangers and bad input with a clear error, and stores nothing', async () => {
    const [ann, ben, eve] = await Promise.all([api.register('trann'), api.register('trben'), api.register('treve')]);
    const roomId = await api.openDirect(ann, ben);
    await expectError(await api.request('GET', `/api/rooms/${roomId}/thread-reads`, undefined, eve.token), 403);
    await expectError(await mark(eve, roomId, 1, { seq: 2 }), 403);
    await expectError(await api.request('GET', `/api/rooms/${roomId}/thread-reads`), 401);
    await expectError(await mark(ann, roomId, 4, { seq: 4 }), 400);
    await expectError(await mark(ann, roomId, 4, { seq: 'five' }), 400);
    await expectError(await mark(ann, roomId, 4, { seq: 5, userId: eve.id }), 400);
    await expectError(await mark(ann, roomId, 'first', { seq: 5 }), 400);
    await expectError(await mark(ann, 'not-a-room', 1, { seq: 5 }), 400);
    expect(await reads(ann, roomId)).toEqual({});
  });
});
