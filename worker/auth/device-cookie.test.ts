import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { rememberDevice, trustedDevice } from './device-cookie';

const SECRET = 'device-cookie-test-secret-0123456789-abcdef';
const app = new Hono();
app.post('/remember/:user', async (c) => {
  await rememberDevice(c, SECRET, c.req.param('user'));
  return c.body(null, 204);
});
app.post('/check/:user', async (c) => c.json((await trustedDevice(c, SECRET, c.req.param('user'))) ?? null));

const check = async (user: string, cookie: string) =>
  (await app.request(`/check/${user}`, { method: 'POST', headers: { cookie } })).json();

describe('device cookies', () => {
  it('trust only an unaltered cookie, for the account it was issued to', async () => {
    const res = await app.request('/remember/alice', { method: 'POST' });
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^edge_chat_device=[^;]+; Max-Age=31536000; Path=\/api\/auth\/login; HttpOnly; Secure; SameSite=Strict$/);
    const cookie = setCookie.split(';')[0]!;
    expect(await check('alice', cookie)).toMatchObject({ userId: 'alice', deviceId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(await check('bob', cookie)).toBeNull();
    expect(await check('alice', `${cookie}x`)).toBeNull();
    expect(await check('alice', cookie.replace(/\.[^.]+$/, '.AAAA'))).toBeNull();
    expect(await check('alice', 'edge_chat_device=not-a-token')).toBeNull();
  });
});
