/**
 * Someone removed from a group, or who left it, keeps it in their list read-only (issue 21):
 * the history up to the line about them, by REST, and nothing after it by REST or socket: no
 * later message, no later member, no ticket, no upgrade. Deleting it from the list ends that;
 * being added back makes it an ordinary chat again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TestUser } from '../support/api';
import { connectAs, e2eApi, expectError, uploadFile } from '../support/e2e';
import { closeAllSockets, refusedUpgrade } from '../support/ws-client';

const api = e2eApi();

afterEach(() => closeAllSockets());

interface Listed {
  id: string;
  lastSeq: number;
  unreadCount: number;
  lastMessage: { seq: number; content: string } | null;
  members: { userId: string; lastReadSeq: number }[];
  former: { reason: 'left' | 'removed'; untilSeq: number | null; leftAt: string } | null;
}

const listed = async (user: TestUser, roomId: string) =>
  (await api.json<{ rooms: Listed[] }>('GET', '/api/rooms', undefined, user.token)).rooms.find((r) => r.id === roomId);

/** Every page of history the user can read, by `before` from the top (and with `before` far past the end). */
async function readableSeqs(user: TestUser, roomId: string, before?: number) {
  const seqs: number[] = [];
  let query = before ? `?before=${before}&limit=2` : '?limit=2';
  for (;;) {
    const page = await api.history(user, roomId, query);
    seqs.push(...page.messages.map((m) => m.seq));
    if (!page.nextBefore) return seqs.sort((a, b) => a - b);
    query = `?before=${page.nextBefore}&limit=2`;
  }
}

describe('former members', () => {
  it('a removed member reads the history up to their removal, nothing after, by REST or socket', async () => {
    const [ann, ben, cat, dan] = await Promise.all([api.register('ann'), api.register('ben'), api.register('cat'), api.register('dan')]);
    const roomId = await api.createGroup(ann, 'Book club', [ben, cat]);
    const annSocket = await connectAs(api, ann, roomId);
    const benSocket = await connectAs(api, ben, roomId);
    for (const text of ['one', 'two']) {
      annSocket.send({ type: 'send', clientId: text, content: text });
      await annSocket.inbox.next('ack');
    }
    const before = await uploadFile(api, ann, roomId, 'notes.pdf');
    annSocket.send({ type: 'send', clientId: 'file-before', content: '', attachmentId: before });
    await annSocket.inbox.next('ack');
    await api.json('DELETE', `/api/groups/${roomId}/members/${ben.id}`, undefined, ann.token);
    const line = await annSocket.inbox.next('message', (f) => f.message.type === 'system');
    const untilSeq = line.message.seq;
    // Afterwards: a message, a newcomer, a read receipt past the line.
    annSocket.send({ type: 'send', clientId: 'after', content: 'said after ben left' });
    const after = await annSocket.inbox.next('ack');
    const later = await uploadFile(api, ann, roomId, 'notes.pdf');
    annSocket.send({ type: 'send', clientId: 'file-after', content: '', attachmentId: later });
    const laterSeq = (await annSocket.inbox.next('ack')).seq;
    await api.json('POST', `/api/groups/${roomId}/members`, { username: dan.username }, ann.token);
    annSocket.send({ type: 'read', seq: after.seq });

    // The socket he had was closed with the removal; no new one.
    await benSocket.inbox.next('error', (f) => f.code === 'not_a_member');
    expect((await api.request('POST', `/api/rooms/${roomId}/ws-ticket`, undefined, ben.token)).status).toBe(403);
    expect((await refusedUpgrade(api.baseUrl, roomId, { token: ben.token, origin: api.origin })).status).toBe(403);

    // Listed, read-only, previewing the line, nothing unread, no one added since, no receipt past his limit.
    const entry = await listed(ben, roomId);
    expect(entry?.former).toMatchObject({ reason: 'removed', untilSeq });
    expect(entry?.lastMessage?.seq).toBe(untilSeq);
    expect(entry?.unreadCount).toBe(0);
    expect(entry?.members.map((m) => m.userId).sort()).toEqual([ann.id, cat.id].sort());
    expect(Math.max(...entry!.members.map((m) => m.lastReadSeq))).toBeLessThanOrEqual(untilSeq);
    const detail = await api.json<{ room: Listed }>('GET', `/api/rooms/${roomId}`, undefined, ben.token);
    expect(detail.room.former).toMatchObject({ reason: 'removed', untilSeq });
    expect(detail.room.members.map((m) => m.userId)).not.toContain(dan.id);

    // History: everything up to the line (paged, and asked from far past the end), nothing after.
    const everything = Array.from({ length: untilSeq }, (_, i) => i + 1);
    expect(await readableSeqs(ben, roomId)).toEqual(everything);
    expect(await readableSeqs(ben, roomId, after.seq + 100)).toEqual(everything);
    const page = await api.history(ben, roomId, `?before=${Number.MAX_SAFE_INTEGER}&limit=200`);
    expect(page.messages.map((m) => m.content)).not.toContain('said after ben left');
    // The others see it, of course.
    expect((await api.history(cat, roomId)).messages.map((m) => m.content)).toContain('said after ben left');
    // Files: those of his history (once Postgres has them, as the room writes behind), not later ones.
    const file = (id: string) => api.request('GET', `/api/rooms/${roomId}/attachments/${id}`, undefined, ben.token).then(async (r) => (await r.arrayBuffer(), r.status));
    await expect.poll(async () => (await listed(ann, roomId))!.lastSeq, { timeout: 15_000 }).toBeGreaterThanOrEqual(laterSeq);
    expect(await file(before)).toBe(200);
    expect(await file(later)).toBe(403);
    // Nothing to act on: no sending by forward, no pin or star of what he can read.
    await expectError(await api.request('PUT', `/api/rooms/${roomId}/messages/1/star`, {}, ben.token), 403);
    // Someone who never was in the group reads nothing.
    const eve = await api.register('eve');
    await expectError(await api.request('GET', `/api/rooms/${roomId}/messages`, undefined, eve.token), 403);
    await expectError(await api.request('GET', `/api/rooms/${roomId}`, undefined, eve.token), 403);
  });

  it('a member who leaves keeps it listed ("left") until deleting it; added back, it is a chat again', async () => {
    const [ann, ben] = await Promise.all([api.register('ann'), api.register('ben')]);
    const roomId = await api.createGroup(ann, 'Walks', [ben]);
    const annSocket = await connectAs(api, ann, roomId);
    annSocket.send({ type: 'send', clientId: 'hi', content: 'hello' });
    await annSocket.inbox.next('ack');
    await api.json('POST', `/api/groups/${roomId}/leave`, {}, ben.token, [204]);
    const line = await annSocket.inbox.next('message', (f) => f.message.type === 'system' && f.message.content.endsWith(' left'));
    annSocket.send({ type: 'send', clientId: 'later', content: 'later' });
    await annSocket.inbox.next('ack');

    expect((await listed(ben, roomId))?.former).toMatchObject({ reason: 'left', untilSeq: line.message.seq });
    expect((await api.history(ben, roomId)).messages.map((m) => m.content)).toEqual([line.message.content, 'hello']);

    // Deleted from his list: gone, history with it; deleting again is a 404; a member cannot use it.
    await api.json('DELETE', `/api/rooms/${roomId}/former`, undefined, ben.token, [204]);
    expect(await listed(ben, roomId)).toBeUndefined();
    await expectError(await api.request('GET', `/api/rooms/${roomId}/messages`, undefined, ben.token), 403);
    await expectError(await api.request('GET', `/api/rooms/${roomId}`, undefined, ben.token), 403);
    await expectError(await api.request('DELETE', `/api/rooms/${roomId}/former`, undefined, ben.token), 404);
    await expectError(await api.request('DELETE', `/api/rooms/${roomId}/former`, undefined, ann.token), 404);

    // Left again and added back: an ordinary chat, live.
    await api.json('POST', `/api/groups/${roomId}/members`, { username: ben.username }, ann.token);
    expect((await listed(ben, roomId))?.former).toBeNull();
    await api.json('POST', `/api/groups/${roomId}/leave`, {}, ben.token, [204]);
    expect((await listed(ben, roomId))?.former?.reason).toBe('left');
    await api.json('POST', `/api/groups/${roomId}/members`, { username: ben.username }, ann.token);
    expect((await listed(ben, roomId))?.former).toBeNull();
    expect((await connectAs(api, ben, roomId)).ready.roomId).toBe(roomId);
  });
});
