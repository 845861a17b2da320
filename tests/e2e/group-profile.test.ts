/**
 * Group profiles against `wrangler dev` and PostgreSQL: admins set and clear the picture
 * (the profile picture's upload rules) and the description, members may not, non-members
 * cannot read the picture, and each change's line arrives over the room socket in order.
 * What is refused for its bytes or length is in worker/groups/group-profile.worker.test.ts
 * (workerd directly: wrangler dev's proxy retries a request whose body the Worker left unread).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../support/api';
import { connectAs, connectInboxAs, e2eApi, expectError } from '../support/e2e';
import { closeAllSockets } from '../support/ws-client';

const api = e2eApi();
afterAll(closeAllSockets);

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4]);

interface GroupReply {
  room: { id: string; name: string; avatarId: string | null; description: string | null };
}

function putPicture(user: TestUser, roomId: string, body: Uint8Array, type = 'image/png'): Promise<Response> {
  return fetch(`${api.baseUrl}/api/groups/${roomId}/avatar`, {
    method: 'PUT',
    headers: { origin: api.origin, authorization: `Bearer ${user.token}`, 'content-type': type },
    body: body as BufferSource,
    signal: AbortSignal.timeout(30_000),
  });
}

function getPicture(user: TestUser, roomId: string, avatarId: string): Promise<Response> {
  return api.request('GET', `/api/groups/${roomId}/avatar/${avatarId}`, undefined, user.token);
}

async function listed(user: TestUser, roomId: string) {
  const { rooms } = await api.json<{ rooms: GroupReply['room'][] }>('GET', '/api/rooms', undefined, user.token);
  return rooms.find((r) => r.id === roomId);
}

describe('group profiles', () => {
  it('admins set and clear the picture and description; lines arrive in order; members and strangers are refused', async () => {
    const [ann, ben, eve] = [await api.register('ann'), await api.register('ben'), await api.register('eve')];
    const roomId = await api.createGroup(ann, 'Hikers', [ben]);
    const socket = await connectAs(api, ben, roomId);
    const inbox = await connectInboxAs(api, ben);

    // The picture: stored, listed, readable by members, its line posted.
    const put = await putPicture(ann, roomId, PNG);
    expect(put.status).toBe(200);
    const first = ((await put.json()) as GroupReply).room.avatarId!;
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    // Ben's list hears of it (as of a rename), and the list and details carry it.
    await inbox.inbox.next('rooms_changed', (f) => f.roomId === roomId && f.change === 'updated');
    expect(await listed(ben, roomId)).toMatchObject({ avatarId: first, description: null });
    const picture = await getPicture(ben, roomId, first);
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toBe('image/png');
    expect(picture.headers.get('x-content-type-options')).toBe('nosniff');
    expect(picture.headers.get('cache-control')).toContain('private');
    expect(new Uint8Array(await picture.arrayBuffer())).toEqual(PNG);

    // A stranger reads nothing, not even with the id; no token, nothing either.
    await expectError(await getPicture(eve, roomId, first), 403);
    expect((await api.request('GET', `/api/groups/${roomId}/avatar/${first}`)).status).toBe(401);

    // The description, with its line breaks; then a new picture replaces the first (gone from R2).
    const described = await api.json<GroupReply>('PATCH', `/api/groups/${roomId}`, { description: '  Sundays at 9.\nBring water.  ' }, ann.token);
    expect(described.room).toMatchObject({ name: 'Hikers', avatarId: first, description: 'Sundays at 9.\nBring water.' });
    const second = ((await (await putPicture(ann, roomId, PNG)).json()) as GroupReply).room.avatarId!;
    expect(second).not.toBe(first);
    await expectError(await getPicture(ben, roomId, first), 404);
    expect((await getPicture(ben, roomId, second)).status).toBe(200);
    const details = await api.json<GroupReply>('GET', `/api/rooms/${roomId}`, undefined, ben.token);
    expect(details.room).toMatchObject({ avatarId: second, description: 'Sundays at 9.\nBring water.' });

    // Cleared: an empty description and a removed picture.
    const cleared = await api.json<GroupReply>('PATCH', `/api/groups/${roomId}`, { description: '   ' }, ann.token);
    expect(cleared.room.description).toBeNull();
    const removed = await api.json<GroupReply>('DELETE', `/api/groups/${roomId}/avatar`, undefined, ann.token);
    expect(removed.room.avatarId).toBeNull();
    await expectError(await getPicture(ben, roomId, second), 404);
    expect(await listed(ben, roomId)).toMatchObject({ avatarId: null, description: null });

    // Every change's line, in the order the changes were made, over the room socket.
    const ann_ = `<@${ann.id}|${ann.username}>`;
    const expected = [
      `${ann_} changed the group picture`,
      `${ann_} changed the group description`,
      `${ann_} changed the group picture`,
      `${ann_} removed the group description`,
      `${ann_} removed the group picture`,
    ];
    const lines: { seq: number; content: string }[] = [];
    for (let i = 0; i < expected.length; i++) {
      lines.push((await socket.inbox.next('message', (f) => f.message.type === 'system')).message);
    }
    expect(lines.map((l) => l.content)).toEqual(expected);
    expect(lines.map((l) => l.seq)).toEqual([...lines.map((l) => l.seq)].sort((a, b) => a - b));
    // Removing a picture that is not there is no change: no line.
    await api.json('DELETE', `/api/groups/${roomId}/avatar`, undefined, ann.token);
    const history = await api.history(ben, roomId);
    expect(history.messages.filter((m) => m.content.includes('group picture'))).toHaveLength(3);

    // A member is refused everything, with JSON; so is a stranger.
    await expectError(await putPicture(ben, roomId, PNG), 403);
    await expectError(await api.request('DELETE', `/api/groups/${roomId}/avatar`, undefined, ben.token), 403);
    await expectError(await api.request('PATCH', `/api/groups/${roomId}`, { description: 'mine' }, ben.token), 403);
    await expectError(await putPicture(eve, roomId, PNG), 403);
    await expectError(await api.request('PATCH', `/api/groups/${roomId}`, { description: 'mine' }, eve.token), 403);
    expect(await listed(ben, roomId)).toMatchObject({ avatarId: null, description: null });
    inbox.close();
  });
});
