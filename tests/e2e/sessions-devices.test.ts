/**
 * The account page's sessions (issue 25): each is named after the browser and system it signed
 * in from ("Chrome on Linux", parsed from the User-Agent at sign-in and refresh), with when it
 * was last active; "sign out all other sessions" ends every other session (its refresh fails,
 * its access token is refused, its sockets close) and leaves this one working.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TestApi } from '../support/api';
import { appInfo } from '../support/app';
import { connectInboxAs, e2eApi, expectError, until } from '../support/e2e';
import { closeAllSockets } from '../support/ws-client';

const CHROME_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

const api = e2eApi();
afterEach(closeAllSockets);

/** The app's API as a browser with this User-Agent would call it. */
function apiFrom(userAgent: string): TestApi {
  const { baseUrl, origin } = appInfo();
  return new TestApi((url, init) => fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), 'user-agent': userAgent } }), baseUrl, origin);
}

interface ListedSession {
  id: string;
  device: string | null;
  createdAt: string;
  lastActiveAt: string | null;
  current: boolean;
}

async function signInFrom(userAgent: string, login: string, password: string) {
  const res = await apiFrom(userAgent).request('POST', '/api/auth/login', { login, password });
  expect(res.status).toBe(200);
  const { token } = (await res.json()) as { token: string };
  // A sign-in also sets the device cookie (login-limits.ts): take the refresh cookie.
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('edge_chat_refresh='));
  expect(cookie).toBeDefined();
  return { token, cookie: cookie!.split(';')[0]! };
}

const sessionsOf = async (token: string) => (await api.json<{ sessions: ListedSession[] }>('GET', '/api/account/sessions', undefined, token)).sessions;
const refresh = (cookie: string, from = api) => from.request('POST', '/api/auth/refresh', undefined, undefined, cookie);

describe('sessions with device names', () => {
  it('names each session after its browser and system, and a refresh names one begun without it', async () => {
    const ann = await api.register('devices');
    const chrome = await signInFrom(CHROME_LINUX, ann.username, ann.password);
    await signInFrom(FIREFOX_WINDOWS, ann.username, ann.password);

    const listed = await sessionsOf(chrome.token);
    expect(listed).toHaveLength(3);
    const current = listed.filter((s) => s.current);
    expect(current).toHaveLength(1);
    expect(current[0]!.device).toBe('Chrome on Linux');
    expect(listed.map((s) => s.device).sort()).toEqual(['Chrome on Linux', 'Firefox on Windows', null].sort());
    for (const s of listed) expect(Date.parse(s.lastActiveAt ?? '')).toBeGreaterThanOrEqual(Date.parse(s.createdAt));

    // Registered from Node (no browser in its User-Agent): the first refresh from a phone names it.
    const unnamed = listed.find((s) => s.device === null)!;
    const refreshed = await refresh(ann.cookie, apiFrom(SAFARI_IPHONE));
    expect(refreshed.status).toBe(200);
    const after = (await sessionsOf(chrome.token)).find((s) => s.id === unnamed.id)!;
    expect(after.device).toBe('Safari on iOS');
    expect(Date.parse(after.lastActiveAt!)).toBeGreaterThanOrEqual(Date.parse(unnamed.lastActiveAt!));
  });
});

describe('POST /api/account/sessions/revoke-others', () => {
  it('ends every other session (refresh 401, token refused, sockets closed) and keeps this one', async () => {
    const bob = await api.register('revoker');
    const laptop = await signInFrom(CHROME_LINUX, bob.username, bob.password);
    const desktop = await signInFrom(FIREFOX_WINDOWS, bob.username, bob.password);
    const desktopInbox = await connectInboxAs(api, { ...bob, token: desktop.token });

    const { signedOutSessions } = await api.json<{ signedOutSessions: number }>('POST', '/api/account/sessions/revoke-others', {}, laptop.token);
    expect(signedOutSessions).toBe(2);

    await expectError(await refresh(desktop.cookie), 401, 'unauthorized');
    await expectError(await refresh(bob.cookie), 401, 'unauthorized');
    await expectError(await api.request('GET', '/api/me', undefined, desktop.token), 401, 'unauthorized');
    await until(() => desktopInbox.ws.readyState !== WebSocket.OPEN, 15_000, 'the server closing the signed-out session’s inbox socket');
    desktopInbox.close();

    // This session goes on: its token works, its refresh rotates, and it is the only one left.
    expect((await api.request('GET', '/api/me', undefined, laptop.token)).status).toBe(200);
    const rotated = await refresh(laptop.cookie);
    expect(rotated.status).toBe(200);
    const listed = await sessionsOf(laptop.token);
    expect(listed.map((s) => ({ device: s.device, current: s.current }))).toEqual([{ device: 'Chrome on Linux', current: true }]);
    // Nothing else to end now.
    expect((await api.json('POST', '/api/account/sessions/revoke-others', {}, laptop.token)).signedOutSessions).toBe(0);
  });

  it('needs a signed-in session', async () => {
    await expectError(await api.request('POST', '/api/account/sessions/revoke-others', {}), 401, 'unauthorized');
  });
});
