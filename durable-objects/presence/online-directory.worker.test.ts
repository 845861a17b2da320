/**
 * The online directory inside workerd: inboxes report their user in and out, and
 * a group's announcement tells only online members' inboxes, waking no offline one.
 */
import { env, listDurableObjectIds } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { api, connectInbox } from '../../tests/support/workerd-client';
import { onlineAmong } from './online-lookup';

const inboxIdOf = (userId: string) => env.INBOXES.idFromName(userId).toString();

describe('online directory', () => {
  it('holds a user online while any of their inbox sockets is open', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    await api.createGroup(ann, 'Pair', [ben]);
    const annInbox = await connectInbox(ann);
    expect(await onlineAmong(env.ONLINE_DIRECTORY, [ann.id, ben.id])).toEqual(new Set([ann.id]));
    const [benTab1, benTab2] = [await connectInbox(ben), await connectInbox(ben)];
    expect(await onlineAmong(env.ONLINE_DIRECTORY, [ann.id, ben.id])).toEqual(new Set([ann.id, ben.id]));

    // One tab of two closing leaves ben online; the last one takes him out, before his contacts hear it.
    benTab1.ws.close(1000, 'tab closed');
    benTab2.ws.close(1000, 'tab closed');
    await annInbox.inbox.next('contact_presence', (f) => f.contact.userId === ben.id && !f.contact.online);
    expect(await onlineAmong(env.ONLINE_DIRECTORY, [ann.id, ben.id])).toEqual(new Set([ann.id]));
  });

  it('tells online members of a new group live and wakes no offline member’s inbox', async () => {
    const [ann, ben, cat, dan] = [await api.register('ann'), await api.register('ben'), await api.register('cat'), await api.register('dan')];
    const benInbox = await connectInbox(ben);
    const roomId = await api.createGroup(ann, 'Big', [ben, cat, dan]);
    expect(await benInbox.inbox.next('rooms_changed')).toEqual({ type: 'rooms_changed', roomId, change: 'added' });
    // Introductions come last in the announcement: once ben has his, nothing more is sent.
    await benInbox.inbox.next('contact_presence', (f) => f.contact.userId === dan.id);

    // cat and dan never connected: their inbox objects were never created (an object exists once woken with storage).
    const inboxes = new Set((await listDurableObjectIds(env.INBOXES)).map((id) => id.toString()));
    expect(inboxes.has(inboxIdOf(ben.id))).toBe(true);
    expect(inboxes.has(inboxIdOf(cat.id))).toBe(false);
    expect(inboxes.has(inboxIdOf(dan.id))).toBe(false);
    // And cat finds the group on her next load of the list, from Postgres.
    const list = await api.json<{ rooms: { id: string }[] }>('GET', '/api/rooms', undefined, cat.token);
    expect(list.rooms.map((r) => r.id)).toContain(roomId);
  });
});
