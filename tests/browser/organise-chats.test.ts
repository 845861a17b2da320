/**
 * Organising chats in a real browser (issue 25): pin from a row's options with the keyboard (the
 * pin reaches my phone, signed in as the same person), archive (out of the list, in Archived,
 * back with a new message), mark as unread (a dot, cleared by opening the chat), the @ badge for
 * an unread mention of me, and the mute icon beside all of it.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appInfo } from '../support/app';
import { allowConsoleErrors, apiAs, closeAll, connected, browserPerFile, shot, signedIn, type Person } from '../support/browser';
import { connectAs, e2eApi } from '../support/e2e';
import type { TestUser } from '../support/api';

const env = browserPerFile();

const order = (page: Page) => page.getByTestId('conversation-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-room-id')));
const row = (page: Page, roomId: string) => page.locator(`.conversation-row:has([data-room-id="${roomId}"])`);

async function say(user: TestUser, roomId: string, content: string) {
  const api = e2eApi();
  const socket = await connectAs(api, user, roomId);
  socket.send({ type: 'send', clientId: crypto.randomUUID(), content });
  await socket.inbox.next('ack');
  await socket.close();
}

/**
 * The same person on a phone: a session of its own (signed in over the API, waiting out a busy
 * database's 503 as a client would), its refresh cookie put in a phone-sized context.
 */
async function onPhone(p: Person): Promise<Page> {
  const { baseUrl } = appInfo();
  const api = e2eApi();
  let res = await api.request('POST', '/api/auth/login', { login: p.username, password: p.password });
  for (let i = 0; res.status === 503 && i < 10; i++) {
    await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 2) * 1000));
    res = await api.request('POST', '/api/auth/login', { login: p.username, password: p.password });
  }
  expect(res.status).toBe(200);
  const ctx = await env.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  // Sign-in sets a device cookie and the refresh cookie: each goes in with its own path.
  for (const cookie of res.headers.getSetCookie()) {
    const [pair, ...attrs] = cookie.split(';').map((x) => x.trim());
    const [name, ...rest] = pair!.split('=');
    const cookiePath = attrs.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/api/auth';
    await ctx.addCookies([{ name: name!, value: rest.join('='), url: `${baseUrl}${cookiePath}`, httpOnly: true, secure: true, sameSite: 'Strict' }]);
  }
  const page = await ctx.newPage();
  await page.goto(`${baseUrl}/chat`);
  await page.getByTestId('conversation-list').waitFor({ timeout: 20_000 });
  return page;
}

describe('organising chats', () => {
  it('pins with the keyboard (synced to my phone), archives until a new message, marks unread, and badges a mention', async () => {
    // Two devices and three sockets on a loaded machine: the database may answer a ticket with
    // a 503 ("busy, try again"), which the app retries; that is not what this test is about.
    allowConsoleErrors(/status of 503 .*\/ws-ticket/);
    const api = e2eApi();
    const ann = await signedIn(env.browser, 'ann', 'Ann Organised');
    const [ben, cat] = [await api.register('ben'), await api.register('cat')];
    const withBen = (await apiAs(ann).post<{ room: { id: string } }>('/api/rooms/direct', { username: ben.username })).room.id;
    const withCat = (await apiAs(ann).post<{ room: { id: string } }>('/api/rooms/direct', { username: cat.username })).room.id;
    const group = (await apiAs(ann).post<{ room: { id: string } }>('/api/groups', { name: 'Team', members: [ben.username, cat.username] })).room.id;
    await say(cat, withCat, 'hi from cat');
    await say(ben, withBen, 'hi from ben');
    await expect
      .poll(async () => (await apiAs(ann).get<{ rooms: { id: string; lastSeq: number }[] }>('/api/rooms')).rooms.filter((r) => r.lastSeq > 0).length, { timeout: 20_000 })
      .toBe(2);
    await ann.page.reload();
    await ann.page.getByTestId('conversation-list').waitFor();
    await expect.poll(() => order(ann.page), { timeout: 15_000 }).toEqual([withBen, withCat, group]);
    const phone = await onPhone(ann);
    await expect.poll(() => order(phone), { timeout: 15_000 }).toEqual([withBen, withCat, group]);

    // Pin the group from its options, by keyboard only.
    const options = row(ann.page, group).getByTestId('conversation-options');
    await options.focus();
    await ann.page.keyboard.press('Enter');
    await expect.poll(() => ann.page.evaluate(() => document.activeElement?.getAttribute('data-testid')), { timeout: 15_000 }).toBe('conversation-pin');
    await ann.page.keyboard.press('Enter');
    await expect.poll(() => order(ann.page), { timeout: 15_000 }).toEqual([group, withBen, withCat]);
    expect(await row(ann.page, group).getByTestId('pinned-icon').count()).toBe(1);
    // The phone hears of it over its inbox.
    await expect.poll(() => order(phone), { timeout: 15_000 }).toEqual([group, withBen, withCat]);

    // Archive Cat's chat: gone from the list, in Archived, and back when Cat writes.
    await row(ann.page, withCat).getByTestId('conversation-options').click();
    await ann.page.getByTestId('conversation-archive').click();
    await expect.poll(() => order(ann.page), { timeout: 15_000 }).toEqual([group, withBen]);
    expect(await ann.page.getByTestId('archived-toggle').textContent()).toContain('Archived (1)');
    await ann.page.getByTestId('archived-toggle').click();
    await expect.poll(() => order(ann.page), { timeout: 15_000 }).toEqual([withCat]);
    await shot(ann.page, 'organise-archived-desktop');
    await ann.page.getByTestId('archived-toggle').click();
    await expect.poll(() => order(phone), { timeout: 15_000 }).toEqual([group, withBen]);
    await say(cat, withCat, 'back again');
    await expect.poll(() => order(ann.page), { timeout: 15_000 }).toEqual([group, withCat, withBen]);
    expect(await ann.page.getByTestId('archived-toggle').count()).toBe(0);

    // Mark Ben's (read) chat unread: a dot; opening it clears the mark, here and on the phone.
    await ann.page.locator(`[data-testid=conversation-item][data-room-id="${withBen}"]`).click();
    await connected(ann.page);
    await ann.page.locator(`[data-testid=conversation-item][data-room-id="${withCat}"]`).click();
    await connected(ann.page);
    await row(ann.page, withBen).getByTestId('conversation-options').click();
    await ann.page.getByTestId('conversation-mark-unread').click();
    await row(ann.page, withBen).getByTestId('marked-unread').waitFor();
    await row(phone, withBen).getByTestId('marked-unread').waitFor({ timeout: 15_000 });
    await ann.page.locator(`[data-testid=conversation-item][data-room-id="${withBen}"]`).click();
    await connected(ann.page);
    await expect.poll(() => row(ann.page, withBen).getByTestId('marked-unread').count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => row(phone, withBen).getByTestId('marked-unread').count(), { timeout: 15_000 }).toBe(0);

    // Muted and mentioned: the bell-off icon stays, and an @ badge shows the mention.
    await row(ann.page, group).locator('[data-testid=conversation-item]').click();
    await connected(ann.page);
    await ann.page.getByTestId('mute-button').click();
    await ann.page.getByTestId('mute-forever').click();
    await ann.page.locator(`[data-testid=conversation-item][data-room-id="${withCat}"]`).click();
    await connected(ann.page);
    await say(ben, group, `@${ann.username} can you check this?`);
    await row(ann.page, group).getByTestId('mention-badge').waitFor({ timeout: 15_000 });
    expect(await row(ann.page, group).getByTestId('muted-icon').count()).toBe(1);
    expect(await row(ann.page, group).locator('.conversation__title').textContent()).toContain('mentions you');
    await row(phone, group).getByTestId('mention-badge').waitFor({ timeout: 15_000 });
    await shot(ann.page, 'organise-desktop');
    await shot(phone, 'organise-phone');
    await phone.context().close();
    await closeAll(ann);
  });
});
