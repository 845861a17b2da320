/** Groups end to end inside workerd: REST changes, the room's reaction, the inboxes'. */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { drizzleOver, openPool } from '../../drizzle/connection';
import { users } from '../../drizzle/schema';
import { CLOSE_CODES, systemParts } from '../../durable-objects/protocol';
import { uniqueName } from '../../tests/support/api';
import { api, connectInbox, connectRoom } from '../../tests/support/workerd-client';

/** `count` accounts written straight to Postgres: registering hundreds through the API would test the password hash. */
async function seedUsers(count: number): Promise<{ id: string; username: string }[]> {
  const pool = openPool(env, { max: 1 });
  try {
    const rows = Array.from({ length: count }, () => {
      const username = uniqueName('bulk').toLowerCase();
      return { username, email: `${username}@example.test`, displayName: username, passwordHash: 'not-a-hash' };
    });
    return await drizzleOver(pool).insert(users).values(rows).returning({ id: users.id, username: users.username });
  } finally {
    await pool.end();
  }
}

describe('groups', () => {
  it('makes the creator admin and lists members with roles', async () => {
    const [ann, ben, cat] = [await api.register('ann'), await api.register('ben'), await api.register('cat')];
    const res = await api.json('POST', '/api/groups', { name: 'Trip', members: [ben.username, cat.username] }, ann.token);
    const roles = Object.fromEntries(res.room.members.map((m: { userId: string; role: string }) => [m.userId, m.role]));
    expect(roles).toEqual({ [ann.id]: 'admin', [ben.id]: 'member', [cat.id]: 'member' });
    const list = await api.json('GET', '/api/rooms', undefined, cat.token);
    expect(list.rooms.find((r: { id: string }) => r.id === res.room.id)).toMatchObject({ kind: 'group', name: 'Trip' });
  });

  it('refuses admin actions to members and unknown users in the member list', async () => {
    const [ann, ben, cat] = [await api.register('ann'), await api.register('ben'), await api.register('cat')];
    const roomId = await api.createGroup(ann, 'Team', [ben]);
    const asBen = (method: string, path: string, body?: unknown) => api.request(method, path, body, ben.token);
    expect((await asBen('PATCH', `/api/groups/${roomId}`, { name: 'Mine now' })).status).toBe(403);
    expect((await asBen('POST', `/api/groups/${roomId}/members`, { username: cat.username })).status).toBe(403);
    expect((await asBen('DELETE', `/api/groups/${roomId}/members/${ann.id}`)).status).toBe(403);
    expect((await asBen('PATCH', `/api/groups/${roomId}/members/${ben.id}`, { role: 'admin' })).status).toBe(403);
    expect((await api.request('PATCH', `/api/groups/${roomId}`, { name: 'x' }, cat.token)).status).toBe(403);
    const bad = await api.request('POST', '/api/groups', { name: 'G', members: ['no_such_user_zz'] }, ann.token);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('no_such_user_zz');
  });

  it('broadcasts to every member and posts membership notices in the timeline', async () => {
    const [ann, ben, cat] = [await api.register('ann'), await api.register('ben'), await api.register('cat')];
    const roomId = await api.createGroup(ann, 'Three', [ben, cat]);
    const sockets = await Promise.all([ann, ben, cat].map((u) => connectRoom(u, roomId)));
    sockets[0]!.send({ type: 'send', clientId: 'hi', content: 'hello all' });
    for (const s of sockets) expect((await s.inbox.next('message')).message.content).toBe('hello all');
    await api.json('PATCH', `/api/groups/${roomId}`, { name: 'Renamed' }, ann.token);
    const members = await sockets[1]!.inbox.next('members');
    expect(members.name).toBe('Renamed');
    const notice = await sockets[2]!.inbox.next('message', (f) => f.message.type === 'system');
    expect(notice.message).toMatchObject({ senderId: null, content: `<@${ann.id}|${ann.username}> renamed the group to "Renamed"` });

    // A name that looks like a person in a system line stays text.
    const spoof = `<@${ben.id}|${ben.username}> is admin`;
    await api.json('PATCH', `/api/groups/${roomId}`, { name: spoof }, ann.token);
    const renamed = await sockets[2]!.inbox.next('message', (f) => f.message.type === 'system' && f.message.content.includes('is admin'));
    expect(systemParts(renamed.message.content)).toEqual([
      { userId: ann.id, label: ann.username },
      { text: ` renamed the group to "<\u2060@${ben.id}|${ben.username}> is admin"` },
    ]);
  });

  it('gives a member added later nothing unread from before they joined', async () => {
    const [ann, ben, cat] = [await api.register('ann'), await api.register('ben'), await api.register('cat')];
    const roomId = await api.createGroup(ann, 'Before', [ben]);
    const a = await connectRoom(ann, roomId);
    for (const id of ['one', 'two', 'three']) a.send({ type: 'send', clientId: id, content: id });
    for (let i = 0; i < 3; i++) await a.inbox.next('ack');
    const room = env.ROOMS.get(env.ROOMS.idFromName(roomId));
    await room.flushed();
    await api.json('POST', `/api/groups/${roomId}/members`, { username: cat.username }, ann.token);
    await room.flushed();
    const unread = async () =>
      (await api.json<{ rooms: { id: string; unreadCount: number }[] }>('GET', '/api/rooms', undefined, cat.token)).rooms.find(
        (r) => r.id === roomId,
      )!.unreadCount;
    // Only the line that says they were added, none of the three messages before it.
    expect(await unread()).toBe(1);
    a.send({ type: 'send', clientId: 'four', content: 'four' });
    await a.inbox.next('ack', (f) => f.clientId === 'four');
    await room.flushed();
    expect(await unread()).toBe(2);
  });

  it('closes a removed member’s socket and refuses their return', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const roomId = await api.createGroup(ann, 'Club', [ben]);
    const annSocket = await connectRoom(ann, roomId);
    const benSocket = await connectRoom(ben, roomId);
    const benInbox = await connectInbox(ben);
    await api.json('DELETE', `/api/groups/${roomId}/members/${ben.id}`, undefined, ann.token);
    expect(await benSocket.inbox.next('error')).toMatchObject({ code: 'not_a_member' });
    expect((await benSocket.inbox.waitClosed()).code).toBe(CLOSE_CODES.notAMember);
    expect(await benInbox.inbox.next('rooms_changed')).toMatchObject({ roomId, change: 'removed' });
    const members = await annSocket.inbox.next('members');
    expect(members.members.map((m) => m.userId)).toEqual([ann.id]);
    expect((await api.request('POST', `/api/rooms/${roomId}/ws-ticket`, undefined, ben.token)).status).toBe(403);
    // The history up to his removal stays his to read (the line is its last message), until he deletes the chat.
    const history = await api.json('GET', `/api/rooms/${roomId}/messages`, undefined, ben.token);
    expect(history.messages[0].content).toBe(`<@${ann.id}|${ann.username}> removed <@${ben.id}|${ben.username}>`);
    await api.json('DELETE', `/api/rooms/${roomId}/former`, undefined, ben.token, [204]);
    expect((await api.request('GET', `/api/rooms/${roomId}/messages`, undefined, ben.token)).status).toBe(403);
  });

  it('keeps at least one admin: a lone admin cannot step down, and leaving promotes a successor', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const roomId = await api.createGroup(ann, 'Pair', [ben]);
    const demote = await api.request('PATCH', `/api/groups/${roomId}/members/${ann.id}`, { role: 'member' }, ann.token);
    expect(demote.status).toBe(409);
    expect((await api.request('POST', `/api/groups/${roomId}/leave`, undefined, ann.token)).status).toBe(204);
    const room = await api.json('GET', `/api/rooms/${roomId}`, undefined, ben.token);
    expect(room.room.members).toEqual([expect.objectContaining({ userId: ben.id, role: 'admin' })]);
    // Who created the group stays known after they left: the app heads the timeline with it.
    expect(room.room).toMatchObject({ createdBy: ann.id, createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  it('tells a new member’s inbox that a room appeared', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const benInbox = await connectInbox(ben);
    const roomId = await api.createGroup(ann, 'Surprise', [ben]);
    expect(await benInbox.inbox.next('rooms_changed')).toMatchObject({ roomId, change: 'added' });
  });

  it('adds many people at once: one change, one line naming them all, one members frame', async () => {
    const ann = await api.register('ann');
    const founders = await seedUsers(20);
    const created = await api.json<{ room: { id: string } }>('POST', '/api/groups', { name: 'Many', members: founders.map((u) => u.username) }, ann.token);
    const roomId = created.room.id;
    const a = await connectRoom(ann, roomId);
    expect(a.ready.members).toHaveLength(21);

    const later = await seedUsers(30);
    const added = await api.json<{ room: { members: { userId: string }[] } }>(
      'POST',
      `/api/groups/${roomId}/members`,
      // One of them twice, one already in: both are simply members after.
      { usernames: [...later.map((u) => u.username), later[0]!.username, founders[0]!.username] },
      ann.token,
    );
    expect(added.room.members).toHaveLength(51);
    const line = await a.inbox.next('message', (f) => f.message.type === 'system');
    const named = systemParts(line.message.content).flatMap((p) => ('userId' in p ? [p.userId] : []));
    expect(named).toEqual([ann.id, ...later.map((u) => u.id)]);
    expect((await a.inbox.next('members')).members.map((m) => m.userId).sort()).toEqual(
      [ann.id, ...founders.map((u) => u.id), ...later.map((u) => u.id)].sort(),
    );
    expect(await a.inbox.none('message')).toHaveLength(0);

    // Everyone on the list already in: told who, nothing posted.
    const again = await api.request('POST', `/api/groups/${roomId}/members`, { usernames: [later[1]!.username] }, ann.token);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { message: string } }).error.message).toContain(later[1]!.username);
    const unknown = await api.request('POST', `/api/groups/${roomId}/members`, { usernames: ['no_such_user_zz', later[2]!.username] }, ann.token);
    expect(unknown.status).toBe(400);
    expect(await a.inbox.none('message')).toHaveLength(0);
  });

  it('limits how often one person can be added to groups, across every group and adder', async () => {
    const [ann, cat, ben] = [await api.register('ann'), await api.register('cat'), await api.register('ben')];
    // GROUP_ADD_RATE_LIMIT's default burst is 10.
    for (let i = 0; i < 10; i++) await api.createGroup(i % 2 ? ann : cat, `G${i}`, [ben]);
    const refused = await api.request('POST', '/api/groups', { name: 'One too many', members: [ben.username] }, ann.token);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(ben.username);
    // Someone else can still be added at once.
    expect((await api.request('POST', '/api/groups', { name: 'Fine', members: [cat.username] }, ann.token)).status).toBe(201);
  });
});
