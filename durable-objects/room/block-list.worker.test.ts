/**
 * A block applies in every room the two share (issue 20 #2), through the real Worker and
 * room object: in a group with a third member, neither of a blocked pair gets the other's
 * presence, typing or read receipts, `ready` shows the other offline, an @mention from
 * one never reaches the other's inbox, and people search hides each from the other. The
 * third member sees everything; unblocking restores it. "Nothing arrived" is checked
 * behind a barrier frame every socket gets after it, never after a sleep.
 */
import { describe, expect, it } from 'vitest';
import type { TestUser } from '../../tests/support/api';
import { api, connectInbox, connectRoom } from '../../tests/support/workerd-client';

type Room = Awaited<ReturnType<typeof connectRoom>>;

const about = (userId: string) => (f: { userId: string }) => f.userId === userId;

/** Every socket in `rooms` has received a message sent by `from` after whatever came before. */
async function barrier(from: Room, rooms: Room[], clientId: string) {
  from.send({ type: 'send', clientId, content: clientId });
  for (const r of rooms) await r.inbox.next('message', (f) => f.message.clientId === clientId);
}

async function people(user: TestUser, q: string): Promise<string[]> {
  const { users } = await api.json<{ users: { id: string }[] }>('GET', `/api/users?q=${encodeURIComponent(q)}`, undefined, user.token);
  return users.map((u) => u.id);
}

describe('blocking in shared groups', () => {
  it('hides presence, typing, read receipts, online, mention activity and search both ways; unblocking restores them', async () => {
    const [ann, ben, cat] = [await api.register('ann'), await api.register('ben'), await api.register('cat')];
    const group = await api.createGroup(ann, 'Shared', [ben, cat]);
    expect((await api.request('PUT', `/api/blocks/${ben.username}`, undefined, ann.token)).status).toBe(204);

    const a = await connectRoom(ann, group);
    const c = await connectRoom(cat, group);
    const b = await connectRoom(ben, group);
    // ready: ben does not see ann online; cat does.
    expect(b.ready.members.find((m) => m.userId === ann.id)?.online).toBe(false);
    expect(b.ready.members.find((m) => m.userId === cat.id)?.online).toBe(true);
    await c.inbox.next('presence', (f) => f.userId === ben.id && f.online);

    b.send({ type: 'typing', active: true });
    await c.inbox.next('typing', about(ben.id));
    a.send({ type: 'typing', active: true });
    await c.inbox.next('typing', about(ann.id));
    c.send({ type: 'send', clientId: 'hello', content: 'hello both' });
    const { message } = await b.inbox.next('message');
    await a.inbox.next('message');
    b.send({ type: 'read', seq: message.seq });
    a.send({ type: 'read', seq: message.seq });
    await c.inbox.next('read', about(ben.id));
    await c.inbox.next('read', about(ann.id));
    await barrier(c, [a, b], 'barrier-1');
    for (const type of ['presence', 'typing', 'read'] as const) {
      expect(a.inbox.all(type).filter(about(ben.id)), `ann got ben's ${type}`).toEqual([]);
      expect(b.inbox.all(type).filter(about(ann.id)), `ben got ann's ${type}`).toEqual([]);
    }

    // An @mention from ben while ann has the room closed: cat hears of it, ann does not.
    a.ws.close();
    c.ws.close();
    const annInbox = await connectInbox(ann);
    const catInbox = await connectInbox(cat);
    b.send({ type: 'send', clientId: 'mention', content: `@${ann.username} look` });
    await catInbox.inbox.next('activity', (f) => f.message.clientId === 'mention');
    const c2 = await connectRoom(cat, group);
    await barrier(c2, [b], 'barrier-2');
    await annInbox.inbox.next('activity', (f) => f.message.clientId === 'barrier-2');
    expect(annInbox.inbox.all('activity').filter((f) => f.message.senderId === ben.id)).toEqual([]);

    // People search: neither finds the other; cat finds both.
    expect(await people(ben, ann.username)).not.toContain(ann.id);
    expect(await people(ann, ben.username)).not.toContain(ben.id);
    expect(await people(cat, ann.username)).toContain(ann.id);

    // Unblocked: ben's typing reaches ann again.
    expect((await api.request('DELETE', `/api/blocks/${ben.username}`, undefined, ann.token)).status).toBe(204);
    const a2 = await connectRoom(ann, group);
    expect(a2.ready.members.find((m) => m.userId === ben.id)?.online).toBe(true);
    b.send({ type: 'typing', active: true });
    await a2.inbox.next('typing', about(ben.id));
    expect(await people(ben, ann.username)).toContain(ann.id);
  });
});
