/**
 * Deleting an account, inside workerd with the real Postgres: the person is gone
 * (sessions, sockets, login, search, presence), the username is free, and what
 * they wrote stays, shown as "Deleted user", including messages that were still
 * in the room's log, not yet in Postgres, when the account went.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { DatabaseUnavailableError, drizzleOver, openPool } from '../../drizzle/connection';
import type { ObjectDatabase } from '../../durable-objects/shared/object-database';
import { ACCOUNT_DELETED_TEXT, CLOSE_CODES } from '../../durable-objects/protocol';
import type { TestUser } from '../../tests/support/api';
import { api, connectInbox, connectRoom } from '../../tests/support/workerd-client';

const deleteAccount = (user: TestUser, body: unknown = { password: user.password }) =>
  api.request('DELETE', '/api/account', body, user.token);

const room = (roomId: string) => env.ROOMS.get(env.ROOMS.idFromName(roomId));

interface Member {
  userId: string;
  username: string;
  displayName: string;
  role: string;
  deleted?: boolean;
}
const membersOf = async (user: TestUser, roomId: string) =>
  (await api.json<{ room: { members: Member[] } }>('GET', `/api/rooms/${roomId}`, undefined, user.token)).room.members;

/** Two people who have both written in their direct room (so each sees the other's presence). */
async function talkingPair() {
  const ann = await api.register('ann');
  const bob = await api.register('bob');
  const roomId = await api.openDirect(ann, bob);
  const a = await connectRoom(ann, roomId);
  const b = await connectRoom(bob, roomId);
  a.send({ type: 'send', clientId: 'hi-bob', content: 'hi Bob' });
  b.send({ type: 'send', clientId: 'hi-ann', content: 'hi Ann' });
  await a.inbox.next('message', (f) => f.message.senderId === bob.id);
  await b.inbox.next('message', (f) => f.message.senderId === ann.id);
  return { ann, bob, roomId, a, b };
}

describe('deleting an account', () => {
  it('needs the password, then ends every session and frees the username', async () => {
    const bob = await api.register('bob');
    const bobInbox = await connectInbox(bob);
    expect((await deleteAccount(bob, {})).status).toBe(400);
    const wrong = await deleteAccount(bob, { password: 'not my password' });
    // 403, not 401: the token is fine (a 401 would send clients to refresh it and try again).
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toEqual({ error: { code: 'wrong_password', message: 'the password is wrong' } });
    expect((await api.request('GET', '/api/me', undefined, bob.token)).status).toBe(200);

    const ok = await deleteAccount(bob);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('set-cookie')).toMatch(/Max-Age=0/i);
    expect((await bobInbox.inbox.waitClosed()).code).toBe(CLOSE_CODES.sessionEnded);
    expect((await api.request('GET', '/api/me', undefined, bob.token)).status).toBe(401);
    expect((await api.request('POST', '/api/auth/refresh', undefined, undefined, bob.cookie)).status).toBe(401);
    const login = await api.request('POST', '/api/auth/login', { login: bob.username, password: bob.password });
    expect(login.status).toBe(401);

    // Someone new may take the name: a different account, with nothing of the old one.
    const res = await api.request('POST', '/api/auth/register', {
      username: bob.username,
      email: `${bob.username}@example.test`,
      password: `pw-${crypto.randomUUID()}`,
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { user: { id: string } }).user.id).not.toBe(bob.id);
  });

  it('counts password tries against the account’s sign-in limit', async () => {
    const bob = await api.register('bob');
    let status = 0;
    let tries = 0;
    while (tries < 30 && status !== 429) {
      status = (await deleteAccount(bob, { password: `guess ${tries}` })).status;
      tries++;
    }
    expect(status).toBe(429);
    // The same budget as signing in: neither the right password here nor a sign-in gets through now.
    expect((await deleteAccount(bob)).status).toBe(429);
    expect((await api.request('POST', '/api/auth/login', { login: bob.username, password: bob.password })).status).toBe(429);
    expect((await api.request('GET', '/api/me', undefined, bob.token)).status).toBe(200);
  });

  it('keeps the conversation readable as "Deleted user"; nothing can reach the account any more', async () => {
    const { ann, bob, roomId, a } = await talkingPair();
    const annInbox = await connectInbox(ann);
    expect((await deleteAccount(bob)).status).toBe(204);

    // Ann's open room learns it at once, and her inbox hides Bob's presence (no last seen).
    const members = await a.inbox.next('members', (f) => f.members.some((m) => m.deleted));
    expect(members.members.find((m) => m.userId === bob.id)).toMatchObject({ displayName: 'Deleted user', deleted: true, online: false });
    const presence = await annInbox.inbox.next('contact_presence', (f) => f.contact.userId === bob.id);
    expect(presence.contact).toEqual({ userId: bob.id, online: false, lastSeenAt: null });

    // Writing and calling are refused with a clear reason; the socket stays usable.
    a.send({ type: 'send', clientId: 'anyone-there', content: 'Bob?' });
    expect(await a.inbox.next('error', (f) => f.clientId === 'anyone-there')).toMatchObject({ code: 'forbidden', message: ACCOUNT_DELETED_TEXT });
    a.send({ type: 'call_start', callId: crypto.randomUUID(), media: 'voice' });
    expect(await a.inbox.next('error', (f) => f.message === ACCOUNT_DELETED_TEXT)).toMatchObject({ code: 'forbidden' });
    a.send({ type: 'read', seq: 2 });
    await a.inbox.next('read', (f) => f.userId === ann.id && f.seq === 2);

    // The history keeps Bob's message under his id; the member list names him "Deleted user", without his username.
    const history = await api.history(ann, roomId);
    expect(history.messages.map((m) => [m.senderId, m.content])).toEqual([
      [bob.id, 'hi Ann'],
      [ann.id, 'hi Bob'],
    ]);
    const bobNow = (await membersOf(ann, roomId)).find((m) => m.userId === bob.id)!;
    expect(bobNow).toMatchObject({ displayName: 'Deleted user', deleted: true });
    expect(bobNow.username).not.toContain(bob.username);
    const list = await api.json<{ rooms: { id: string; members: Member[] }[] }>('GET', '/api/rooms', undefined, ann.token);
    expect(list.rooms.find((r) => r.id === roomId)!.members.find((m) => m.userId === bob.id)).toMatchObject({ deleted: true });

    // Not found by search, by his old username or by the placeholder one.
    const search = await api.json<{ users: { id: string }[] }>('GET', `/api/users?q=${bob.username}`, undefined, ann.token);
    expect(search.users).toEqual([]);
    const byPlaceholder = await api.json<{ users: { id: string }[] }>('GET', '/api/users?q=deleted', undefined, ann.token);
    expect(byPlaceholder.users.map((u) => u.id)).not.toContain(bob.id);
    expect((await api.request('POST', '/api/rooms/direct', { username: bob.username }, ann.token)).status).toBe(404);
  });

  it('writes messages still in the room log to Postgres afterwards, under their sender', async () => {
    const ann = await api.register('ann');
    const bob = await api.register('bob');
    const roomId = await api.openDirect(ann, bob);
    const b = await connectRoom(bob, roomId);
    // The fault "Postgres unreachable from the room object": its outbox's writes fail, the rest of the app is fine.
    const cutOutbox = (cut: boolean) =>
      runInDurableObject(room(roomId), (instance: unknown) => {
        const database = (instance as { database: ObjectDatabase & { realRun?: ObjectDatabase['run'] } }).database;
        database.realRun ??= database.run.bind(database);
        const realRun = database.realRun;
        database.run = cut
          ? (what, work) => (what.startsWith('writing the room log') ? Promise.reject(new DatabaseUnavailableError(`${what}: cut by the test`)) : realRun(what, work))
          : realRun;
      });
    await cutOutbox(true);
    b.send({ type: 'send', clientId: 'last-words', content: 'bye all' });
    const ack = await b.inbox.next('ack');
    const pool = openPool(env, { max: 1 });
    drizzleOver(pool);
    const stored = async () =>
      (await pool.query('select sender_id, content from messages where room_id = $1 and seq = $2', [roomId, ack.seq])).rows;
    try {
      expect(await room(roomId).flushed()).toEqual({ unflushed: 1 });
      expect(await stored()).toEqual([]);

      expect((await deleteAccount(bob)).status).toBe(204);
      await cutOutbox(false);
      expect(await room(roomId).flushed()).toEqual({ unflushed: 0 });
      expect(await stored()).toEqual([{ sender_id: bob.id, content: 'bye all' }]);
    } finally {
      await pool.end();
    }
    expect((await api.history(ann, roomId)).messages).toMatchObject([{ senderId: bob.id, content: 'bye all' }]);
  });

  it('hands a group whose last admin deleted their account to its longest-standing person', async () => {
    const bob = await api.register('bob');
    const ann = await api.register('ann');
    const cat = await api.register('cat');
    const groupId = await api.createGroup(bob, 'Book club', [ann]);
    await api.json('POST', `/api/groups/${groupId}/members`, { username: cat.username }, bob.token);
    expect((await deleteAccount(bob)).status).toBe(204);
    const members = await membersOf(cat, groupId);
    expect(members.map((m) => [m.userId, m.role, m.deleted])).toEqual(
      expect.arrayContaining([
        [bob.id, 'member', true],
        [ann.id, 'admin', false],
        [cat.id, 'member', false],
      ]),
    );
    // The group goes on under Ann, now its admin.
    const promoted = await api.request('PATCH', `/api/groups/${groupId}/members/${cat.id}`, { role: 'admin' }, ann.token);
    expect(promoted.status).toBe(200);
  });
});
