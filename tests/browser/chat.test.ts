/**
 * The web app in a real browser (Debian's Chromium driven by playwright-core): people
 * register, find each other, chat both ways, see typing, presence and seen state; a group of
 * three; history survives a reload; going offline loses nothing; user content is text; the
 * embed page works in a same-origin iframe and is refused elsewhere. Screenshots of the main
 * screens go to test-results/screenshots (git-ignored).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appInfo } from '../support/app';
import {
  allowConsoleErrors,
  connected as connectedPage,
  launchBrowser,
  openDirectInUi,
  registerInBrowser,
  send as sendText,
  shot as shotPage,
  texts as textsOf,
  type Person,
} from '../support/browser';

let browser: Browser;
let baseUrl: string;

const person = (prefix: string, displayName: string, options: { mobile?: boolean; dark?: boolean } = {}) =>
  registerInBrowser(browser, prefix, displayName, options);
const shot = (p: Person, name: string) => shotPage(p.page, name);
const openDirect = openDirectInUi;
const send = (p: Person, text: string) => sendText(p.page, text);
const connected = (p: Person) => connectedPage(p.page);
const texts = (p: Person) => textsOf(p.page);

beforeAll(async () => {
  baseUrl = appInfo().baseUrl;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('web app', () => {
  it('shows clear validation errors on register', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${baseUrl}/register`);
    await page.getByTestId('register-submit').click();
    await expect.poll(() => page.getByTestId('field-error').count()).toBeGreaterThanOrEqual(3);
    await shotPage(page, 'register-errors');
    await ctx.close();
  });

  it('two people chat both ways with typing, presence and seen state; history survives a reload; content is text', async () => {
    const alice = await person('alice', 'Alice Liddell');
    const bob = await person('bob', 'Bob Builder');
    const roomId = await openDirect(alice, bob);
    await connected(alice);

    // No presence yet: strangers see each other's presence only once both have written.
    expect(await alice.page.getByTestId('chat-subtitle').textContent()).not.toBe('online');

    await send(alice, 'Hello Bob!');
    await expect.poll(() => alice.page.locator('[data-testid=message][data-mine=true]').last().getAttribute('data-status')).toBe('sent');

    // Bob sees the conversation with an unread badge, opens it: Alice sees "Seen".
    const item = bob.page.locator(`[data-testid=conversation-item][data-room-id="${roomId}"]`);
    await item.waitFor({ timeout: 20_000 });
    await expect.poll(() => bob.page.getByTestId('unread-badge').first().textContent(), { timeout: 20_000 }).toBe('1');
    await shot(bob, 'conversation-list-unread');
    await item.click();
    await connected(bob);
    await expect.poll(() => texts(bob)).toContain('Hello Bob!');
    await expect.poll(() => alice.page.getByTestId('seen-marker').count(), { timeout: 10_000 }).toBe(1);

    // Typing.
    await bob.page.getByTestId('composer-input').pressSequentially('Hi Al', { delay: 30 });
    await alice.page.getByTestId('typing-indicator').waitFor({ timeout: 10_000 });
    await shot(alice, 'chat-typing');
    await bob.page.getByTestId('composer-input').press('Enter');
    await expect.poll(() => texts(alice)).toContain('Hi Al');
    // The indicator goes away once the message is there.
    await expect.poll(() => alice.page.getByTestId('typing-indicator').count(), { timeout: 10_000 }).toBe(0);

    // User content is text, never markup.
    const evil = '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script>';
    await send(bob, evil);
    await expect.poll(() => texts(alice)).toContain(evil);
    expect(await alice.page.locator('[data-testid=message-text] img, [data-testid=message-text] script').count()).toBe(0);
    expect(await alice.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await shot(alice, 'chat-desktop');

    // A reload keeps the session and the history.
    await alice.page.reload();
    await connected(alice);
    await expect.poll(() => texts(alice)).toEqual(['Hello Bob!', 'Hi Al', evil]);
    // Presence: both have written, and Bob has the app open.
    await expect.poll(() => alice.page.getByTestId('chat-subtitle').textContent(), { timeout: 15_000 }).toBe('online');

    // Presence: Bob leaves.
    await bob.ctx.close();
    await expect.poll(() => alice.page.getByTestId('chat-subtitle').textContent(), { timeout: 20_000 }).not.toBe('online');
    await alice.ctx.close();
  });

  it('loses no message across going offline and back', async () => {
    // Taken offline on purpose: a socket (or a request) caught on its way out fails.
    allowConsoleErrors(/ERR_INTERNET_DISCONNECTED/);
    const ann = await person('ann', 'Ann');
    const ben = await person('ben', 'Ben', { mobile: true });
    const roomId = await openDirect(ann, ben);
    await ben.page.goto(`${baseUrl}/chat/${roomId}`);
    await Promise.all([connected(ann), connected(ben)]);

    await ben.ctx.setOffline(true);
    await expect.poll(() => ben.page.getByTestId('connection-state').getAttribute('data-state')).toBe('offline');
    await send(ann, 'sent while Ben is offline');
    await send(ben, 'typed while offline 1');
    await send(ben, 'typed while offline 2');
    await expect.poll(() => ben.page.locator('[data-pending=true]').count()).toBe(2);
    await shot(ben, 'mobile-offline');

    await ben.ctx.setOffline(false);
    await connected(ben);
    await expect.poll(() => ben.page.locator('[data-pending=true]').count(), { timeout: 30_000 }).toBe(0);
    const expected = ['sent while Ben is offline', 'typed while offline 1', 'typed while offline 2'];
    await expect.poll(() => texts(ben), { timeout: 20_000 }).toEqual(expected);
    await expect.poll(() => texts(ann), { timeout: 20_000 }).toEqual(expected);
    await shot(ben, 'mobile-chat');
    await ann.ctx.close();
    await ben.ctx.close();
  });

  it('a group of three', async () => {
    const cat = await person('cat', 'Cat');
    const dan = await person('dan', 'Dan');
    const eve = await person('eve', 'Eve', { dark: true });
    await cat.page.getByTestId('new-chat-button').click();
    await cat.page.getByTestId('tab-group').click();
    await cat.page.getByTestId('group-name').fill('Three of us');
    for (const who of [dan, eve]) {
      await cat.page.getByTestId('group-member-search').fill(who.username);
      await cat.page.locator(`[data-testid=user-result][data-username="${who.username}"]`).click();
    }
    await cat.page.getByTestId('create-group').click();
    await cat.page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
    const roomId = cat.page.url().split('/').pop()!;
    await connected(cat);
    await send(cat, 'Welcome, both of you');

    for (const who of [dan, eve]) {
      const item = who.page.locator(`[data-testid=conversation-item][data-room-id="${roomId}"]`);
      await item.waitFor({ timeout: 20_000 });
      await item.click();
      await connected(who);
      await expect.poll(() => texts(who)).toContain('Welcome, both of you');
    }
    await send(dan, 'Hi from Dan');
    await send(eve, 'Hi from Eve');
    for (const who of [cat, dan, eve]) {
      await expect.poll(() => texts(who), { timeout: 15_000 }).toEqual(['Welcome, both of you', 'Hi from Dan', 'Hi from Eve']);
    }
    // The timeline starts with who created the group.
    await expect.poll(() => cat.page.getByTestId('timeline-start').textContent()).toMatch(/^You created this group on .+\.$/);
    await expect.poll(() => dan.page.getByTestId('timeline-start').textContent()).toMatch(/^Cat created this group on /);
    await expect.poll(() => eve.page.getByTestId('seen-marker').textContent(), { timeout: 15_000 }).toBe('Seen by everyone');
    await shot(eve, 'group-dark');
    // Read by: asked of the latest read cursors when the list opens (rows no longer carry them).
    await expect.poll(() => cat.page.getByTestId('seen-marker').textContent(), { timeout: 15_000 }).toBe('Seen by everyone');
    const welcome = cat.page.locator('[data-testid=message]').filter({ hasText: 'Welcome, both of you' });
    await welcome.hover();
    await welcome.getByTestId('read-by-button').click();
    await expect.poll(() => welcome.locator('[data-testid=read-by] li').allTextContents()).toEqual(expect.arrayContaining(['Dan', 'Eve']));
    await welcome.getByRole('button', { name: 'Close read-by list' }).click();

    await cat.page.getByTestId('group-settings-link').click();
    await cat.page.getByTestId('group-settings').waitFor();
    await expect.poll(() => cat.page.locator('[data-testid=member]').count()).toBe(3);
    await shot(cat, 'group-settings');
    for (const who of [cat, dan, eve]) await who.ctx.close();
  });

  it('embeds a room in a same-origin iframe and is refused elsewhere', async () => {
    const fay = await person('fay', 'Fay');
    const gus = await person('gus', 'Gus');
    const roomId = await openDirect(fay, gus);
    await fay.page.goto(`${baseUrl}/chat`);
    // Let the page hydrate first: hydration would otherwise throw the injected iframe away.
    await fay.page.getByTestId('conversation-list').waitFor();
    await fay.page.evaluate((src) => {
      const f = document.createElement('iframe');
      f.id = 'embed';
      f.src = src;
      f.width = '380';
      f.height = '560';
      document.body.replaceChildren(f);
    }, `${baseUrl}/embed/${roomId}`);
    const frame = fay.page.frameLocator('#embed');
    await frame.getByTestId('composer-input').waitFor({ timeout: 20_000 });
    await frame.getByTestId('composer-input').fill('from the embed');
    await frame.getByTestId('composer-input').press('Enter');
    await expect.poll(() => frame.locator('[data-testid=message][data-seq]').count(), { timeout: 15_000 }).toBe(1);
    await shot(fay, 'embed');

    // Another origin (here an opaque data: page) may not frame it.
    const other = await fay.ctx.newPage();
    await other.goto(`data:text/html,<iframe id="embed" src="${baseUrl}/embed/${roomId}"></iframe>`);
    await other.waitForTimeout(2000);
    expect(await other.frameLocator('#embed').getByTestId('composer-input').count()).toBe(0);
    await fay.ctx.close();
    await gus.ctx.close();
  });
});
