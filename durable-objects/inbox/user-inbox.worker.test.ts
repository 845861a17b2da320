/** The user's inbox: presence among contacts and activity from rooms not open. */
import { describe, expect, it } from 'vitest';
import { api, connectInbox, connectRoom } from '../../tests/support/workerd-client';

describe('UserInbox', () => {
  it('shows contacts online while they have a tab open, with last seen after', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    // Sharing a group makes people contacts (a direct chat only once both have written).
    await api.createGroup(ann, 'Pair', [ben]);
    const annInbox = await connectInbox(ann);
    expect(annInbox.ready.contacts).toEqual([{ userId: ben.id, online: false, lastSeenAt: null }]);
    const benInbox = await connectInbox(ben);
    expect(benInbox.ready.contacts).toEqual([{ userId: ann.id, online: true, lastSeenAt: null }]);
    expect((await annInbox.inbox.next('contact_presence')).contact).toEqual({ userId: ben.id, online: true, lastSeenAt: null });
    benInbox.ws.close(1000, 'tab closed');
    const offline = await annInbox.inbox.next('contact_presence', (f) => !f.contact.online);
    expect(offline.contact.userId).toBe(ben.id);
    expect(Date.parse(offline.contact.lastSeenAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });

  it('tells the other person about a new direct chat, but shares no presence before both have written', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const annInbox = await connectInbox(ann);
    const benInbox = await connectInbox(ben);
    const roomId = await api.openDirect(ann, ben);
    expect(await benInbox.inbox.next('rooms_changed')).toEqual({ type: 'rooms_changed', roomId, change: 'added' });
    expect(await benInbox.inbox.none('contact_presence')).toHaveLength(0);
    expect(await annInbox.inbox.none('contact_presence')).toHaveLength(0);
    // Opening the same chat again (from either side) announces nothing new.
    expect(await api.openDirect(ben, ann)).toBe(roomId);
    expect(await annInbox.inbox.none('rooms_changed')).toHaveLength(0);
  });

  it('does not show presence to strangers', async () => {
    const [ann, stranger] = [await api.register('ann'), await api.register('stranger')];
    const annInbox = await connectInbox(ann);
    await connectInbox(stranger);
    expect(await annInbox.inbox.none('contact_presence')).toHaveLength(0);
    expect(annInbox.ready.contacts).toEqual([]);
  });

  it('reports activity in rooms the user does not have open, and not in the one they do', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const roomId = await api.openDirect(ann, ben);
    const benInbox = await connectInbox(ben);
    const annRoom = await connectRoom(ann, roomId);
    annRoom.send({ type: 'send', clientId: 'n1', content: 'ping from ann' });
    const activity = await benInbox.inbox.next('activity');
    expect(activity).toMatchObject({ roomId, message: { seq: 1, content: 'ping from ann', senderId: ann.id } });
    const annInbox = await connectInbox(ann);
    annRoom.send({ type: 'send', clientId: 'n2', content: 'again' });
    await benInbox.inbox.next('activity', (f) => f.message.seq === 2);
    expect(await annInbox.inbox.none('activity', 600)).toHaveLength(0);
  });

  it('refuses frames it does not know with an error, and answers the keepalive', async () => {
    const ann = await api.register('ann');
    const inbox = await connectInbox(ann);
    inbox.ws.send('{"type":"send","clientId":"x","content":"hi"}');
    expect(await inbox.inbox.next('error')).toMatchObject({ code: 'bad_frame' });
    inbox.ws.send('{"type":"ping"}');
    await inbox.inbox.next('pong');
  });
});
