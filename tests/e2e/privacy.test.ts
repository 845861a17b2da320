/**
 * Privacy settings enforced by the server (issue 25 #5), against `wrangler dev` and
 * PostgreSQL over real sockets: a last seen limited to contacts never reaches anyone
 * else in any room frame, inbox frame or REST answer; read receipts turned off flow in
 * neither direction while messages still do; a person who lets nobody add them to groups
 * is refused by name, and a group with them in it is not created. "Nothing arrived" is
 * checked behind a later frame from the same object, never after a sleep.
 */
import { describe, expect, it } from 'vitest';
import type { TestUser } from '../support/api';
import type { PrivacySettings } from '../../durable-objects/shared/privacy';
import { connectAs, connectInboxAs, e2eApi, expectError } from '../support/e2e';

const api = e2eApi();

async function setPrivacy(user: TestUser, changes: Partial<PrivacySettings>) {
  const { privacy } = await api.json<{ privacy: PrivacySettings }>('GET', '/api/account/privacy', undefined, user.token);
  const res = await api.request('PUT', '/api/account/privacy', { ...privacy, ...changes }, user.token);
  expect(res.status).toBe(200);
  expect(((await res.json()) as { privacy: PrivacySettings }).privacy).toEqual({ ...privacy, ...changes });
}

type Member = { userId: string; lastReadSeq: number };
const roomMembers = async (user: TestUser, roomId: string) =>
  (await api.json<{ room: { members: Member[] } }>('GET', `/api/rooms/${roomId}`, undefined, user.token)).room.members;
const lastSeqOf = async (user: TestUser, roomId: string) =>
  (await api.json<{ rooms: { id: string; lastSeq: number }[] }>('GET', '/api/rooms', undefined, user.token)).rooms.find((r) => r.id === roomId)?.lastSeq;

/** Both write in their direct chat, which makes them contacts once Postgres has the messages. */
async function makeContacts(a: TestUser, b: TestUser): Promise<string> {
  const roomId = await api.openDirect(a, b);
  for (const [i, who] of [a, b].entries()) {
    const socket = await connectAs(api, who, roomId);
    socket.send({ type: 'send', clientId: `hello-${i}`, content: 'hello' });
    await socket.inbox.next('ack');
    await socket.close();
  }
  await expect.poll(() => lastSeqOf(a, roomId), { timeout: 20_000, interval: 250 }).toBe(2);
  return roomId;
}

describe('privacy settings', () => {
  it('a last seen for contacts only never reaches a non-contact in any frame or REST answer', async () => {
    const [ann, ben, cat] = [await api.register('ann'), await api.register('ben'), await api.register('cat')];
    await makeContacts(ann, ben);
    const group = await api.createGroup(ann, 'Shared', [ben, cat]);
    await setPrivacy(ann, { lastSeen: 'contacts' });

    const benInbox = await connectInboxAs(api, ben);
    const catInbox = await connectInboxAs(api, cat);
    const benRoom = await connectAs(api, ben, group);
    const catRoom = await connectAs(api, cat, group);
    const annInbox = await connectInboxAs(api, ann);
    const annRoom = await connectAs(api, ann, group);
    // Ben, a contact, sees Ann come online in the room and in his inbox; Ann sees both of them.
    await benRoom.inbox.next('presence', (f) => f.userId === ann.id && f.online);
    await benInbox.inbox.next('contact_presence', (f) => f.contact.userId === ann.id && f.contact.online);
    expect(annRoom.ready.members.find((m) => m.userId === ben.id)?.online).toBe(true);
    // Reciprocal: Ann, hiding hers from Cat, does not see Cat's either.
    expect(annRoom.ready.members.find((m) => m.userId === cat.id)?.online).toBe(false);
    expect(annInbox.ready.contacts.find((c) => c.userId === cat.id)).toEqual({ userId: cat.id, online: false, lastSeenAt: null });

    await annRoom.close();
    annInbox.close();
    await benRoom.inbox.next('presence', (f) => f.userId === ann.id && !f.online);
    const offline = await benInbox.inbox.next('contact_presence', (f) => f.contact.userId === ann.id && !f.contact.online);
    expect(offline.contact.lastSeenAt).toEqual(expect.any(String));

    // Cat: nothing about Ann in the room (checked behind a later message of the same room)...
    benRoom.send({ type: 'send', clientId: 'barrier', content: 'barrier' });
    await catRoom.inbox.next('message', (f) => f.message.clientId === 'barrier');
    expect(catRoom.inbox.all('presence').filter((f) => f.userId === ann.id)).toEqual([]);
    const catAgain = await connectAs(api, cat, group);
    expect(catAgain.ready.members.find((m) => m.userId === ann.id)?.online).toBe(false);
    // ...nor in the inbox, where she shows offline with no last seen...
    expect(catInbox.ready.contacts.find((c) => c.userId === ann.id)).toEqual({ userId: ann.id, online: false, lastSeenAt: null });
    const catInbox2 = await connectInboxAs(api, cat);
    expect(catInbox2.ready.contacts.find((c) => c.userId === ann.id)).toEqual({ userId: ann.id, online: false, lastSeenAt: null });
    // ...nor over REST.
    for (const path of [`/api/rooms/${group}`, '/api/rooms', `/api/users?q=${ann.username}`]) {
      expect(await (await api.request('GET', path, undefined, cat.token)).text()).not.toMatch(/lastSeen|online/i);
    }

    // Shown to everyone again: Cat's inbox hears Ann's last seen (the filter, not chance, kept it away).
    await setPrivacy(ann, { lastSeen: 'everyone' });
    const shown = await catInbox.inbox.next('contact_presence', (f) => f.contact.userId === ann.id);
    expect(shown.contact).toEqual({ userId: ann.id, online: false, lastSeenAt: offline.contact.lastSeenAt });
    expect(catInbox.inbox.all('contact_presence').filter((f) => f.contact.userId === ann.id)).toEqual([shown]);
    const catRoom3 = await connectAs(api, cat, group);
    const annAgain = await connectAs(api, ann, group);
    await catRoom3.inbox.next('presence', (f) => f.userId === ann.id && f.online);
    await annAgain.close();
    benInbox.close();
    catInbox.close();
    catInbox2.close();
  });

  it('read receipts turned off flow in neither direction; messages still do', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const roomId = await api.openDirect(ann, ben);
    await setPrivacy(ben, { readReceipts: false });
    const a = await connectAs(api, ann, roomId);
    const b = await connectAs(api, ben, roomId);

    a.send({ type: 'send', clientId: 'from-ann', content: 'from ann' });
    const fromAnn = (await b.inbox.next('message')).message;
    b.send({ type: 'read', seq: fromAnn.seq });
    b.send({ type: 'send', clientId: 'from-ben', content: 'from ben' });
    const fromBen = (await a.inbox.next('message', (f) => f.message.clientId === 'from-ben')).message;
    a.send({ type: 'read', seq: fromBen.seq });
    a.send({ type: 'send', clientId: 'barrier', content: 'barrier' });
    await b.inbox.next('message', (f) => f.message.clientId === 'barrier');
    await a.inbox.next('message', (f) => f.message.clientId === 'barrier');
    expect(a.inbox.all('read').filter((f) => f.userId === ben.id)).toEqual([]);
    expect(b.inbox.all('read').filter((f) => f.userId === ann.id)).toEqual([]);

    // A reconnect shows each the other with nothing read, over the socket and over REST,
    // while each still sees their own cursor.
    const a2 = await connectAs(api, ann, roomId);
    expect(a2.ready.members.find((m) => m.userId === ben.id)?.lastReadSeq).toBe(0);
    expect(a2.ready.members.find((m) => m.userId === ann.id)?.lastReadSeq).toBe(fromBen.seq);
    await expect.poll(async () => (await roomMembers(ben, roomId)).find((m) => m.userId === ben.id)?.lastReadSeq, { timeout: 20_000, interval: 250 }).toBe(fromAnn.seq);
    await expect.poll(async () => (await roomMembers(ann, roomId)).find((m) => m.userId === ann.id)?.lastReadSeq, { timeout: 20_000, interval: 250 }).toBe(fromBen.seq);
    expect((await roomMembers(ann, roomId)).find((m) => m.userId === ben.id)?.lastReadSeq).toBe(0);
    expect((await roomMembers(ben, roomId)).find((m) => m.userId === ann.id)?.lastReadSeq).toBe(0);
    for (const s of [a, b, a2]) await s.close();
  });

  it('refuses to add someone who does not allow it, by name, and creates no group with them', async () => {
    const [ann, ben, cat, dan] = [await api.register('ann'), await api.register('ben'), await api.register('cat'), await api.register('dan')];
    await makeContacts(ann, ben);
    await setPrivacy(cat, { groupAdd: 'nobody' });
    await setPrivacy(ben, { groupAdd: 'contacts' });

    const created = await api.request('POST', '/api/groups', { name: 'Trip', members: [ben.username, cat.username] }, ann.token);
    const refusal = await expectError(created, 403, 'privacy_refused');
    expect(refusal.message).toContain(cat.username);
    expect(refusal.message).not.toContain(ben.username);
    expect((await api.json<{ rooms: { kind: string }[] }>('GET', '/api/rooms', undefined, ben.token)).rooms.filter((r) => r.kind === 'group')).toEqual([]);

    // Ben lets contacts add him: Ann may, Dan may not.
    const group = await api.createGroup(ann, 'Trip', [ben]);
    const byDan = await api.json<{ room: { id: string } }>('POST', '/api/groups', { name: 'Dan', members: [] }, dan.token);
    const danAdds = await api.request('POST', `/api/groups/${byDan.room.id}/members`, { username: ben.username }, dan.token);
    expect((await expectError(danAdds, 403, 'privacy_refused')).message).toContain(ben.username);
    const annAddsCat = await api.request('POST', `/api/groups/${group}/members`, { usernames: [cat.username, dan.username] }, ann.token);
    const body = (await annAddsCat.clone().json()) as { error: { details: { refused: string[] } } };
    await expectError(annAddsCat, 403, 'privacy_refused');
    expect(body.error.details.refused).toEqual([cat.username]);
    // Dan, refused with Cat, was not added either; once Cat allows everyone, both can be.
    await setPrivacy(cat, { groupAdd: 'everyone' });
    expect((await api.request('POST', `/api/groups/${group}/members`, { usernames: [cat.username, dan.username] }, ann.token)).status).toBe(201);
  });
});
