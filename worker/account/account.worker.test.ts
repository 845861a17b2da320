/** My sessions and changing my password, inside workerd with the real Postgres. */
import { describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../durable-objects/protocol';
import { api, connectInbox } from '../../tests/support/workerd-client';
import type { TestUser } from '../../tests/support/api';

/** Another sign-in of the same person (another device): its own session, token and cookie. */
async function signInAgain(user: TestUser, password = user.password): Promise<TestUser> {
  const res = await api.request('POST', '/api/auth/login', { login: user.username, password });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { token: string };
  return { ...user, password, token: body.token, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]! };
}

const refreshStatus = async (u: TestUser) => (await api.request('POST', '/api/auth/refresh', undefined, undefined, u.cookie)).status;

describe('account', () => {
  it('lists my sessions and revokes one: its refresh fails, the others go on', async () => {
    const laptop = await api.register('acc');
    const phone = await signInAgain(laptop);
    const other = await api.register('other');
    const list = await api.json('GET', '/api/account/sessions', undefined, laptop.token);
    expect(list.sessions).toHaveLength(2);
    expect(list.sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    const phoneSession = list.sessions.find((s: { current: boolean }) => !s.current);

    expect((await api.request('DELETE', `/api/account/sessions/${phoneSession.id}`, undefined, other.token)).status).toBe(404);
    expect((await api.request('DELETE', `/api/account/sessions/${phoneSession.id}`, undefined, laptop.token)).status).toBe(204);
    expect(await refreshStatus(phone)).toBe(401);
    expect(await refreshStatus(laptop)).toBe(200);
    expect((await api.json('GET', '/api/account/sessions', undefined, laptop.token)).sessions).toHaveLength(1);
  });

  it('changes the password and signs out every other session, closing its sockets', async () => {
    const laptop = await api.register('pw');
    const phone = await signInAgain(laptop);
    const phoneInbox = await connectInbox(phone);
    const change = (body: unknown) => api.request('POST', '/api/account/password', body, laptop.token);

    expect((await change({ currentPassword: 'wrong password!', newPassword: 'a fresh good one' })).status).toBe(403);
    expect((await change({ currentPassword: laptop.password, newPassword: 'short' })).status).toBe(400);
    expect((await change({ currentPassword: laptop.password, newPassword: `${laptop.username}!!` })).status).toBe(400);
    expect((await change({ currentPassword: laptop.password, newPassword: laptop.password })).status).toBe(400);
    const ok = await change({ currentPassword: laptop.password, newPassword: 'a fresh good one' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ signedOutSessions: 1 });

    expect((await phoneInbox.inbox.waitClosed()).code).toBe(CLOSE_CODES.sessionEnded);
    expect(await refreshStatus(phone)).toBe(401);
    expect(await refreshStatus(laptop)).toBe(200);
    expect((await api.request('POST', '/api/auth/login', { login: laptop.username, password: laptop.password })).status).toBe(401);
    await signInAgain(laptop, 'a fresh good one');
  });
});
