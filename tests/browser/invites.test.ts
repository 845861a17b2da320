/**
 * Invite links and embedding in a real browser: an admin creates a link in group settings, a
 * newcomer opens /join/<token>, registers on the way and joins; a revoked link says so. A
 * group's chat embedded on a website: it renders on a site the admin allowed (two tiny host
 * pages on two loopback ports; a signed-out visitor signs up inside the frame and joins with
 * the invite) and is refused on the other.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appInfo } from '../support/app';
import { uniqueName } from '../support/api';
import { allowConsoleErrors, apiAs, closeAll, connected, launchBrowser, PASSWORD, shot, signedIn, texts, type Person } from '../support/browser';

let browser: Browser;
const servers: http.Server[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await browser?.close();
});

/** A website on 127.0.0.1 (a port of its own: its own origin) that frames `src`. */
async function hostPage(src: string): Promise<string> {
  const server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(
      `<!doctype html><title>A partner site</title><h1>Our community</h1>` +
        `<iframe id="chat" src="${src}" width="420" height="640" style="border:1px solid #ccc" allow="camera; microphone" title="Chat"></iframe>`,
    );
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function groupOf(admin: Person, name: string): Promise<string> {
  const { room } = await apiAs(admin).post<{ room: { id: string } }>('/api/groups', { name, members: [] });
  return room.id;
}

async function openSettings(admin: Person, groupId: string) {
  await admin.page.goto(`${appInfo().baseUrl}/chat/${groupId}/settings`);
  await admin.page.getByTestId('group-settings').waitFor();
  await admin.page.getByTestId('invite-links').waitFor();
}

async function createInvite(admin: Person): Promise<string> {
  await admin.page.getByTestId('create-invite').click();
  const url = await admin.page.getByTestId('invite-url').inputValue();
  expect(url).toMatch(/\/join\/[A-Za-z0-9_-]{43}$/);
  return url;
}

async function register(page: Page, username: string) {
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Email').fill(`${username}@example.test`);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
}

describe('invite links', () => {
  it('an admin creates a link; a newcomer registers through it and joins; a revoked link says so', async () => {
    allowConsoleErrors(/status of 404 .*\/api\/invites\/[A-Za-z0-9_-]+$/); // the revoked link, on purpose
    const ada = await signedIn(browser, 'ada', 'Ada');
    const groupId = await groupOf(ada, 'Book club');
    await openSettings(ada, groupId);
    const url = await createInvite(ada);
    await expect.poll(() => ada.page.locator('[data-testid=invite][data-state=active]').count()).toBe(1);
    expect(await ada.page.getByTestId('embed-snippet').inputValue()).toContain(`/embed/${groupId}?invite=${url.split('/').pop()}`);
    await shot(ada.page, 'group-settings-invites');

    // A newcomer, signed out: the join page sends them to register and back.
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    await page.goto(url);
    await page.getByTestId('join-page').waitFor();
    expect(await page.getByTestId('join-page').getAttribute('data-state')).toBe('signed-out');
    await shot(page, 'join-signed-out');
    await page.getByTestId('join-register').click();
    await page.waitForURL(/\/register\?next=/);
    const username = uniqueName('newcomer');
    await register(page, username);
    await page.getByTestId('register-submit').click();
    await page.waitForURL(url);
    await expect.poll(() => page.getByTestId('join-group-name').textContent(), { timeout: 15_000 }).toBe('Book club');
    expect(await page.getByTestId('join-members').textContent()).toBe('1 member');
    await shot(page, 'join-page');
    await page.getByTestId('join-button').click();
    await page.waitForURL(`**/chat/${groupId}`);
    await connected(page);
    // System lines name people by display name, and me as "You".
    await expect.poll(() => page.locator('[data-testid=message][data-type=system]').allTextContents()).toContainEqual(
      expect.stringContaining('You joined with an invite link'),
    );

    // The admin sees the use, and revokes the link.
    await openSettings(ada, groupId);
    await expect.poll(() => ada.page.locator('[data-testid=invite]').first().getAttribute('data-uses')).toBe('1');
    await ada.page.getByTestId('revoke-invite').click();
    await expect.poll(() => ada.page.locator('[data-testid=invite]').first().getAttribute('data-state')).toBe('revoked');

    // Someone else with the old link gets a clear refusal.
    const late = await signedIn(browser, 'late', 'Late Comer', { path: new URL(url).pathname });
    await expect.poll(() => late.page.getByTestId('join-error').textContent(), { timeout: 15_000 }).toMatch(/invalid, expired or has been revoked/);
    await shot(late.page, 'join-revoked');
    expect((await apiAs(ada).get<{ room: { members: unknown[] } }>(`/api/rooms/${groupId}`)).room.members).toHaveLength(2);
    await ctx.close();
    await closeAll(ada, late);
  });
});

describe('embedding', () => {
  it('renders on a site the admin allowed (a visitor signs up inside the frame and joins) and is refused on another', async () => {
    // The visitor is not a member yet (403, then the join offer); the site not allowed is refused the frame.
    allowConsoleErrors(/status of 403 .*\/api\/rooms\/[0-9a-f-]{36}$/, /^Framing '.*' violates the following Content Security Policy directive: "frame-ancestors /);
    const { baseUrl } = appInfo();
    const bea = await signedIn(browser, 'bea', 'Bea');
    const groupId = await groupOf(bea, 'Garden club');
    await openSettings(bea, groupId);
    const token = (await createInvite(bea)).split('/').pop()!;
    const src = `${baseUrl}/embed/${groupId}?invite=${token}`;
    const allowed = await hostPage(src);
    const other = await hostPage(src);

    // The admin allows one site in group settings.
    await bea.page.getByTestId('embed-origins').fill(allowed);
    await bea.page.getByTestId('save-embed-origins').click();
    await bea.page.getByTestId('embed-saved').waitFor();
    expect((await apiAs(bea).get<{ origins: string[] }>(`/api/groups/${groupId}/embed-origins`)).origins).toEqual([allowed]);
    const csp = (await fetch(src)).headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(new RegExp(`frame-ancestors 'self' ${allowed.replace(/[.]/g, '\\.')}(;|$)`));

    // A visitor on the allowed site, signed out: signs up in the frame, joins, chats.
    const ctx = await browser.newContext({ viewport: { width: 1000, height: 760 } });
    const page = await ctx.newPage();
    await page.goto(allowed);
    const frame = page.frameLocator('#chat');
    await frame.getByTestId('embed-signin').waitFor({ timeout: 20_000 });
    await shot(page, 'embed-signin');
    await frame.getByRole('button', { name: 'Create an account' }).click();
    await register(frame as unknown as Page, uniqueName('visitor'));
    await frame.getByTestId('embed-signin-submit').click();
    await frame.getByTestId('join-button').waitFor({ timeout: 15_000 });
    expect(await frame.getByTestId('join-group-name').textContent()).toBe('Garden club');
    await frame.getByTestId('join-button').click();
    await frame.getByTestId('composer-input').waitFor({ timeout: 20_000 });
    await frame.getByTestId('composer-input').fill('Hello from the partner site');
    await frame.getByTestId('composer-input').press('Enter');
    await expect.poll(() => frame.locator('[data-testid=message][data-seq] [data-testid=message-text]').allTextContents(), { timeout: 15_000 }).toEqual([
      'Hello from the partner site',
    ]);
    await shot(page, 'embed-allowed');
    // The admin sees it in the app.
    await bea.page.goto(`${baseUrl}/chat/${groupId}`);
    await connected(bea.page);
    await expect.poll(() => texts(bea.page)).toContain('Hello from the partner site');

    // A reload of the partner's page keeps the visitor signed in, through the frame's own
    // partitioned cookie (the app's SameSite=Strict one is never set for a framed sign-in).
    const cookieNames = (await ctx.cookies()).map((c) => c.name);
    expect(cookieNames).toContain('edge_chat_refresh_embed');
    expect(cookieNames).not.toContain('edge_chat_refresh');
    await page.reload();
    await frame.getByTestId('composer-input').waitFor({ timeout: 20_000 });
    expect(await frame.getByTestId('embed-signin').count()).toBe(0);

    // The other site: the browser refuses to render the frame.
    const refused = await ctx.newPage();
    const blocked = new Promise<void>((resolve) =>
      refused.on('console', (m) => {
        if (/frame-ancestors/.test(m.text())) resolve();
      }),
    );
    await refused.goto(other);
    await blocked;
    expect(await refused.frameLocator('#chat').getByTestId('composer-input').count()).toBe(0);
    expect(await refused.frameLocator('#chat').getByTestId('embed-signin').count()).toBe(0);
    await ctx.close();
    await closeAll(bea);
  });
});
