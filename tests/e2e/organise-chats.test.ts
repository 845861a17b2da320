/**
 * Organising the conversation list (issue 25), against `wrangler dev` and PostgreSQL: pins,
 * archive and "mark as unread" are mine only, stored server-side (every device of mine is told
 * over its inbox), pinned rooms lead the list, an archived room comes back with a new message,
 * unread @mentions of me are counted; the route checks membership and its body.
 */
import { describe, expect, it } from 'vitest';
import type { TestUser } from '../support/api';
import { connectAs, connectInboxAs, e2eApi, expectError } from '../support/e2e';

const api = e2eApi();

type Listed = { id: string; pinnedAt: string | null; archived: boolean; markedUnread: boolean; unreadMentions: number; unreadCount: number; lastSeq: number };
const list = async (u: TestUser) => (await api.json<{ rooms: Listed[] }>('GET', '/api/rooms', undefined, u.token)).rooms;
const roomOf = async (u: TestUser, id: string) => (await list(u)).find((r) => r.id === id)!;
const organise = (u: TestUser, roomId: string, body: unknown) => api.request('PATCH', `/api/rooms/${roomId}/list-state`, body, u.token);

async function say(user: TestUser, roomId: string, ...lines: string[]) {
  const socket = await connectAs(api, user, roomId);
  for (const [i, content] of lines.entries()) {
    socket.send({ type: 'send', clientId: `o${i}-${crypto.randomUUID()}`, content });
    await socket.inbox.next('ack');
  }
  await socket.close();
}

describe('organising chats', () => {
  it('pins to the top, archives until a new message, marks unread — per user, told to my devices', async () => {
    const [ann, ben, cat] = [await api.register('ann'), await api.register('ben'), await api.register('cat')];
    const withBen = await api.openDirect(ann, ben);
    const withCat = await api.openDirect(ann, cat);
    await say(ann, withCat, 'older');
    await say(ann, withBen, 'newer');
    // Postgres is written behind the rooms: the list knows both messages once flushed.
    await expect.poll(async () => (await roomOf(ann, withBen)).lastSeq, { timeout: 20_000, interval: 250 }).toBe(1);
    await expect.poll(async () => (await roomOf(ann, withCat)).lastSeq, { timeout: 20_000, interval: 250 }).toBe(1);
    expect((await list(ann)).map((r) => r.id)).toEqual([withBen, withCat]);

    const device = await connectInboxAs(api, ann);
    const pinned = await organise(ann, withCat, { pinned: true });
    expect(pinned.status).toBe(200);
    const body = (await pinned.json()) as { pinnedAt: string; archived: boolean; markedUnread: boolean };
    expect(body).toMatchObject({ roomId: withCat, pinnedAt: expect.any(String), archived: false, markedUnread: false });
    await device.inbox.next('rooms_changed', (f) => f.roomId === withCat && f.change === 'updated');
    expect((await list(ann)).map((r) => r.id)).toEqual([withCat, withBen]);
    // Pinning again keeps its place; it is Ann's pin only.
    expect(((await (await organise(ann, withCat, { pinned: true })).json()) as { pinnedAt: string }).pinnedAt).toBe(body.pinnedAt);
    expect((await roomOf(cat, withCat)).pinnedAt).toBeNull();

    // Archived: out of the main list until someone writes again.
    expect(await (await organise(ann, withBen, { archived: true, markedUnread: true })).json()).toMatchObject({ archived: true, markedUnread: true });
    await device.inbox.next('rooms_changed', (f) => f.roomId === withBen);
    expect(await roomOf(ann, withBen)).toMatchObject({ archived: true, markedUnread: true });
    expect((await roomOf(ben, withBen)).archived).toBe(false);
    await say(ben, withBen, 'are you there?');
    await expect.poll(async () => (await roomOf(ann, withBen)).archived, { timeout: 20_000, interval: 250 }).toBe(false);
    // The unread mark stays until Ann clears it (opening the chat does, in the app).
    expect(await (await organise(ann, withBen, { markedUnread: false })).json()).toMatchObject({ markedUnread: false, archived: false });
    expect(await (await organise(ann, withCat, { pinned: false })).json()).toMatchObject({ pinnedAt: null });
    expect((await list(ann))[0]!.id).toBe(withBen);
    device.close();
  });

  it('counts unread messages that @mention me, as the app reads a mention', async () => {
    const [ann, ben, cat] = [await api.register('ann'), await api.register('ben'), await api.register('cat')];
    const group = await api.createGroup(ben, 'Mentions', [ann, cat]);
    await say(
      ben,
      group,
      `hey @${ann.username}, look`,
      `@${ann.username.toUpperCase()} again`,
      `mail ${ann.username}@example.com is not a mention`,
      `@${ann.username}x is someone else`,
      `@${cat.username} only`,
    );
    await expect.poll(async () => (await roomOf(ann, group)).unreadCount, { timeout: 20_000, interval: 250 }).toBe(5);
    expect((await roomOf(ann, group)).unreadMentions).toBe(2);
    expect((await roomOf(cat, group)).unreadMentions).toBe(1);
    // Her own messages never count.
    expect((await roomOf(ben, group)).unreadMentions).toBe(0);
  });

  it('refuses a room I am not in, and a body that is not the documented one', async () => {
    const [ann, ben, eve] = [await api.register('ann'), await api.register('ben'), await api.register('eve')];
    const roomId = await api.openDirect(ann, ben);
    await expectError(await organise(eve, roomId, { pinned: true }), 403, 'forbidden');
    for (const body of [{}, { pinned: 'yes' }, { pinned: true, colour: 'red' }, [], 'null']) await expectError(await organise(ann, roomId, body), 400);
    await expectError(await organise(ann, 'not-a-uuid', { pinned: true }), 400);
    expect((await api.request('PATCH', `/api/rooms/${roomId}/list-state`, { pinned: true })).status).toBe(401);
  });
});
