/** Sessions: refresh from the cookie, logout revokes it and closes its sockets; login rate limit. */
import { describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../durable-objects/protocol';
import { expectStillRefused, sendUntilRefused } from '../../tests/support/rate-limit';
import { api, connectInbox, connectRoom, upgrade } from '../../tests/support/workerd-client';

describe('sessions', () => {
  it('refreshes an access token from the HttpOnly cookie', async () => {
    const ann = await api.register('ann');
    expect(ann.cookie).toMatch(/^edge_chat_refresh=/);
    const refreshed = await api.json('POST', '/api/auth/refresh', undefined, undefined, [200], ann.cookie);
    expect(refreshed.user.username).toBe(ann.username);
    const me = await api.json('GET', '/api/me', undefined, refreshed.token);
    expect(me.user.id).toBe(ann.id);
    expect((await api.request('POST', '/api/auth/refresh')).status).toBe(401);
  });

  it('gives a sign-in from an embedded chat a partitioned cookie that refreshes the same way', async () => {
    const ann = await api.register('ann');
    const res = await api.request('POST', '/api/auth/login?context=embed', { login: ann.username, password: ann.password });
    expect(res.status).toBe(200);
    // The sign-in also sets the device cookie (login-limits.ts); the refresh cookie is its own header.
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('edge_chat_refresh')) ?? '';
    expect(setCookie).toMatch(/^edge_chat_refresh_embed=/);
    expect(setCookie).toMatch(/SameSite=None/i);
    expect(setCookie).toMatch(/Partitioned/i);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/Secure/i);
    const cookie = setCookie.split(';')[0]!;
    const refreshed = await api.json('POST', '/api/auth/refresh', undefined, undefined, [200], cookie);
    expect(refreshed.user.id).toBe(ann.id);
    const bad = await api.request('POST', '/api/auth/register?context=elsewhere', {
      username: 'ctx_probe_user',
      email: 'ctx_probe_user@example.test',
      password: 'a-long-unusual-password',
    });
    expect(bad.status).toBe(400);
    // The refused request created no account.
    expect((await api.request('POST', '/api/auth/login', { login: 'ctx_probe_user', password: 'a-long-unusual-password' })).status).toBe(401);
  });

  it('logout revokes the session and closes its sockets, leaving other sessions alone', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const roomId = await api.openDirect(ann, ben);
    const other = await api.json('POST', '/api/auth/login', { login: ann.username, password: ann.password });
    const room = await connectRoom(ann, roomId);
    const inbox = await connectInbox(ann);
    const otherSession = { ...ann, token: other.token };
    const survivor = await connectRoom(otherSession, roomId);

    expect((await api.request('POST', '/api/auth/logout', undefined, undefined, ann.cookie)).status).toBe(204);
    expect((await room.inbox.waitClosed()).code).toBe(CLOSE_CODES.sessionEnded);
    expect((await inbox.inbox.waitClosed()).code).toBe(CLOSE_CODES.sessionEnded);
    expect((await api.request('POST', '/api/auth/refresh', undefined, undefined, ann.cookie)).status).toBe(401);
    // The access token is still unexpired, but its session is over: no new sockets.
    expect((await upgrade(`/ws/rooms/${roomId}?token=${ann.token}`)).status).toBe(401);
    survivor.send({ type: 'send', clientId: 'still', content: 'other tab works' });
    expect(await survivor.inbox.next('ack')).toMatchObject({ clientId: 'still' });
  });

  it('limits sign-in attempts per account and says when to retry', async () => {
    const ann = await api.register('ann');
    // LOGIN_ACCOUNT_RATE_LIMIT (a browser without the account's device cookie): 20 at once, then one every 12 s.
    const exhausted = await sendUntilRefused({ burst: 20, perMinute: 5 }, 401, () =>
      api.request('POST', '/api/auth/login', { login: ann.username, password: 'wrong-password' }),
    );
    expect(Number(exhausted.refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // The right password is refused too while the limiter says to wait.
    await expectStillRefused(exhausted, () => api.request('POST', '/api/auth/login', { login: ann.username, password: ann.password }), [200]);
  });
});
