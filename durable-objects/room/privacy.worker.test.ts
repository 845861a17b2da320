/**
 * Privacy settings reach a room live (issue 25 #5): through the real Worker and room
 * object, a change made over REST while both people have the room open applies to
 * their open sockets without a reconnect. "Nothing arrived" is checked behind a
 * barrier message every socket gets after it, never after a sleep.
 */
import { describe, expect, it } from 'vitest';
import type { TestUser } from '../../tests/support/api';
import type { PrivacySettings } from '../shared/privacy';
import { api, connectRoom } from '../../tests/support/workerd-client';

type Room = Awaited<ReturnType<typeof connectRoom>>;

const about = (userId: string) => (f: { userId: string }) => f.userId === userId;

async function barrier(from: Room, rooms: Room[], clientId: string) {
  from.send({ type: 'send', clientId, content: clientId });
  for (const r of rooms) await r.inbox.next('message', (f) => f.message.clientId === clientId);
}

async function setPrivacy(user: TestUser, changes: Partial<PrivacySettings>) {
  const { privacy } = await api.json<{ privacy: PrivacySettings }>('GET', '/api/account/privacy', undefined, user.token);
  const res = await api.request('PUT', '/api/account/privacy', { ...privacy, ...changes }, user.token);
  expect(res.status).toBe(200);
}

describe('privacy settings in an open room', () => {
  it('a change of read receipts or last seen applies to open sockets without reconnecting', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const group = await api.createGroup(ann, 'Privacy', [ben]);
    const a = await connectRoom(ann, group);
    const b = await connectRoom(ben, group);
    await a.inbox.next('presence', (f) => f.userId === ben.id && f.online);

    // Receipts flow by default.
    a.send({ type: 'send', clientId: 'one', content: 'one' });
    const one = (await b.inbox.next('message')).message;
    b.send({ type: 'read', seq: one.seq });
    await a.inbox.next('read', (f) => f.userId === ben.id && f.seq === one.seq);

    // Ben turns receipts off while both sockets stay open: neither sees the other's reads.
    await setPrivacy(ben, { readReceipts: false });
    a.send({ type: 'send', clientId: 'two', content: 'two' });
    const two = (await b.inbox.next('message', (f) => f.message.clientId === 'two')).message;
    b.send({ type: 'read', seq: two.seq });
    b.send({ type: 'send', clientId: 'three', content: 'three' });
    const three = (await a.inbox.next('message', (f) => f.message.clientId === 'three')).message;
    a.send({ type: 'read', seq: three.seq });
    await barrier(a, [a, b], 'barrier-1');
    expect(a.inbox.all('read').filter((f) => f.userId === ben.id && f.seq > one.seq)).toEqual([]);
    expect(b.inbox.all('read').filter(about(ann.id))).toEqual([]);

    // Ann hides her last seen: each sees the other offline at once (reciprocal), though both are connected.
    await setPrivacy(ann, { lastSeen: 'nobody' });
    await b.inbox.next('presence', (f) => f.userId === ann.id && !f.online);
    await a.inbox.next('presence', (f) => f.userId === ben.id && !f.online);
    // A reconnect of Ben's shows Ann offline in `ready` and tells Ann nothing.
    const b2 = await connectRoom(ben, group);
    expect(b2.ready.members.find((m) => m.userId === ann.id)).toMatchObject({ online: false });
    await barrier(b, [a, b, b2], 'barrier-2');
    expect(a.inbox.all('presence').filter((f) => f.userId === ben.id && f.online).length).toBe(1);

    // Both back to the defaults: presence returns with its current state, receipts with the current cursors.
    await setPrivacy(ann, { lastSeen: 'everyone' });
    await b.inbox.next('presence', (f) => f.userId === ann.id && f.online);
    await a.inbox.next('presence', (f) => f.userId === ben.id && f.online);
    await setPrivacy(ben, { readReceipts: true });
    await a.inbox.next('read', (f) => f.userId === ben.id && f.seq === two.seq);
    await b.inbox.next('read', (f) => f.userId === ann.id && f.seq === three.seq);
  });

  it('validates settings and needs a signed-in user', async () => {
    const ann = await api.register('ann');
    expect(await api.json('GET', '/api/account/privacy', undefined, ann.token)).toEqual({
      privacy: { lastSeen: 'everyone', readReceipts: true, groupAdd: 'everyone' },
    });
    const bad = await api.request('PUT', '/api/account/privacy', { lastSeen: 'friends', readReceipts: true, groupAdd: 'everyone' }, ann.token);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/lastSeen/);
    expect((await api.request('GET', '/api/account/privacy')).status).toBe(401);
  });
});
