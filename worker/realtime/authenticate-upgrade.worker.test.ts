/**
 * A ticket upgrade asks no database, so ending a session between its ticket and
 * its upgrade must be caught by the objects themselves: every way a session ends
 * tells the user's rooms and inbox, which then refuse the session's tickets.
 */
import { describe, expect, it } from 'vitest';
import type { TestUser } from '../../tests/support/api';
import { api, connectInbox, connectRoom, upgrade } from '../../tests/support/workerd-client';

/** A second sign-in of the same person: another session. */
async function signInAgain(user: TestUser): Promise<TestUser> {
  const res = await api.request('POST', '/api/auth/login', { login: user.username, password: user.password });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { token: string };
  return { ...user, token: body.token, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]! };
}

async function sessionIdOf(user: TestUser): Promise<string> {
  const { sessions } = await api.json<{ sessions: { id: string; current: boolean }[] }>('GET', '/api/account/sessions', undefined, user.token);
  return sessions.find((s) => s.current)!.id;
}

async function tickets(user: TestUser, roomId: string) {
  const room = await api.ticket(user, roomId);
  const { ticket: inbox } = await api.json<{ ticket: string }>('POST', '/api/inbox/ws-ticket', undefined, user.token);
  return { room: `/ws/rooms/${roomId}?ticket=${room}`, inbox: `/ws/inbox?ticket=${inbox}` };
}

async function expectRefused(path: string): Promise<void> {
  const res = await upgrade(path);
  expect(res.webSocket, path).toBeNull();
  expect(res.status).toBe(401);
  expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: 'session ended; sign in again' } });
}

const endings: [string, (user: TestUser, other: TestUser) => Promise<void>][] = [
  ['logout', async (user) => {
    expect((await api.request('POST', '/api/auth/logout', undefined, undefined, user.cookie)).status).toBe(204);
  }],
  ['ended from the session list', async (user, other) => {
    const id = await sessionIdOf(user);
    expect((await api.request('DELETE', `/api/account/sessions/${id}`, undefined, other.token)).status).toBe(204);
  }],
  ['a password change elsewhere', async (user, other) => {
    await api.json('POST', '/api/account/password', { currentPassword: user.password, newPassword: `new-${crypto.randomUUID()}` }, other.token);
  }],
];

describe('ticket upgrades without a database round trip', () => {
  for (const [how, end] of endings) {
    it(`refuses a room and an inbox ticket minted before the session ended by ${how}`, async () => {
      const [ann, ben] = [await api.register('ann'), await api.register('ben')];
      const roomId = await api.openDirect(ann, ben);
      // The room and the inbox have started, as they have for anyone who used the app.
      (await connectRoom(ann, roomId)).ws.close(1000);
      (await connectInbox(ann)).ws.close(1000);
      const other = await signInAgain(ann);
      const minted = await tickets(ann, roomId);
      await end(ann, other);
      await expectRefused(minted.room);
      await expectRefused(minted.inbox);
      // Only that session: the other one still opens both.
      if (how !== 'a password change elsewhere') {
        (await connectRoom(other, roomId)).ws.close(1000);
        (await connectInbox(other)).ws.close(1000);
      }
    });
  }

  it('refuses the tickets of every session of a deleted account', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const roomId = await api.openDirect(ann, ben);
    (await connectRoom(ann, roomId)).ws.close(1000);
    const minted = await tickets(ann, roomId);
    expect((await api.request('DELETE', '/api/account', { password: ann.password }, ann.token)).status).toBe(204);
    await expectRefused(minted.room);
    await expectRefused(minted.inbox);
  });

  it('mints no ticket for an ended session, not even for a room it was never told of', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const other = await signInAgain(ann);
    expect((await api.request('POST', '/api/auth/logout', undefined, undefined, ann.cookie)).status).toBe(204);
    // Opened after the logout, so its room never heard of the ended session: the inbox answers for it.
    const roomId = await api.openDirect(ben, other);
    for (const path of [`/api/rooms/${roomId}/ws-ticket`, '/api/inbox/ws-ticket']) {
      const res = await api.request('POST', path, undefined, ann.token);
      expect(res.status, path).toBe(401);
      expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: 'session ended; sign in again' } });
    }
    // The session that goes on still gets both.
    (await connectRoom(other, roomId)).ws.close(1000);
    (await connectInbox(other)).ws.close(1000);
  });

  it('still opens a fresh ticket of a live session, once', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const roomId = await api.openDirect(ann, ben);
    const minted = await tickets(ann, roomId);
    const res = await upgrade(minted.room);
    expect(res.status).toBe(101);
    res.webSocket!.accept();
    res.webSocket!.close(1000);
    const again = await upgrade(minted.room);
    expect(again.status).toBe(401);
    expect(await again.json()).toEqual({ error: { code: 'unauthorized', message: 'ticket already used' } });
  });
});
