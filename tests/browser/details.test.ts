/**
 * The smaller things a new user notices, each checked where it can fail: the dark mode switch,
 * "Welcome back" only for someone who signed in here before, links for www. and e-mail
 * addresses, big emoji-only messages, system lines with display names, "N members, M online"
 * counting me, a long group name in the composer's placeholder, the message toolbar beside
 * the bubble (one at a time on phones, 44px targets), group settings narrowing the
 * conversation on desktop, a progress note for a burst of sends, and the embed (responsive
 * snippet, display name at sign-up, sign-out).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eApi } from '../support/e2e';
import { allowConsoleErrors, apiAs, clickChatControl, closeAll, connected, browserPerFile, exchangeMessages, send, settled, shot, signedIn, texts } from '../support/browser';

const env = browserPerFile();

const box = (page: Page, selector: string) => page.locator(selector).first().evaluate((el) => el.getBoundingClientRect().toJSON() as DOMRect);

describe('details', () => {
  it('dark mode switch (kept across reloads); "Welcome back" only for a returning user', async () => {
    const ctx = await env.browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${env.baseUrl}/login`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Sign in');
    await ctx.close();

    const uma = await signedIn(env.browser, 'uma', 'Uma');
    await uma.page.getByTestId('theme-toggle').waitFor();
    const bg = () => uma.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await bg();
    expect(await uma.page.getByTestId('theme-toggle').getAttribute('aria-pressed')).toBe('false');
    await uma.page.getByTestId('theme-toggle').click();
    await expect.poll(() => uma.page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await bg()).not.toBe(light);
    await uma.page.reload();
    await uma.page.getByTestId('theme-toggle').waitFor();
    expect(await uma.page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await uma.page.getByTestId('theme-toggle').getAttribute('aria-pressed')).toBe('true');
    await shot(uma.page, 'dark-mode-switched');

    // Signed out on this device after signing in: now it is a returning visitor.
    await uma.page.getByTestId('logout-button').click();
    await uma.page.getByTestId('confirm-logout').click();
    await uma.page.waitForURL('**/login');
    await expect.poll(() => uma.page.locator('h1').textContent()).toBe('Welcome back');
    await closeAll(uma);
  });

  it('message text: www. and e-mail links, big emoji; group: system lines with display names, members online counting me, placeholder, toolbar, settings beside the chat', async () => {
    const vic = await signedIn(env.browser, 'vic', 'Victoria Hall');
    const wes = await signedIn(env.browser, 'wes', 'Wes Anderson');
    const xia = await signedIn(env.browser, 'xia', 'Xia Lin');
    const longName = 'The extremely long name of a group about many wonderful things';
    const { room } = await apiAs(vic).post<{ room: { id: string } }>('/api/groups', { name: longName, members: [wes.username] });
    await apiAs(vic).post(`/api/groups/${room.id}/members`, { username: xia.username });
    await vic.page.goto(`${env.baseUrl}/chat/${room.id}`);
    await connected(vic.page);
    for (const who of [wes, xia]) {
      await who.page.goto(`${env.baseUrl}/chat/${room.id}`);
      await connected(who.page);
    }

    // "3 members, 3 online": I am one of them.
    await expect.poll(() => vic.page.getByTestId('chat-subtitle').textContent(), { timeout: 15_000 }).toBe('3 members, 3 online');
    // System line: display names, "You" for me.
    await expect.poll(() => vic.page.locator('[data-testid=message][data-type=system]').allTextContents()).toEqual([expect.stringMatching(/^You added Xia Lin/)]);
    await expect.poll(() => xia.page.locator('[data-testid=message][data-type=system]').allTextContents()).toEqual([expect.stringMatching(/^Victoria Hall added you/)]);

    // The placeholder of a long group name stays on one line.
    const input = await box(vic.page, '[data-testid=composer-input]');
    expect(input.height).toBeLessThan(50);

    await send(vic.page, 'see www.example.org or write to vic@example.com');
    await send(wes.page, '🎉');
    await expect.poll(() => texts(vic.page)).toEqual(['see www.example.org or write to vic@example.com', '🎉']);
    const hrefs = await vic.page.locator('[data-testid=message-text] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs).toEqual(['https://www.example.org/', 'mailto:vic@example.com']);
    const sizes = await vic.page.locator('[data-testid=message-text]').evaluateAll((ps) => ps.map((p) => parseFloat(getComputedStyle(p).fontSize)));
    expect(sizes[1]).toBeGreaterThanOrEqual(2 * sizes[0]!);

    // The toolbar of a message sits beside it, not over the message above.
    const last = vic.page.locator('[data-testid=message][data-seq]').last();
    await last.locator('[data-testid=message-bubble]').hover();
    await expect.poll(() => last.locator('.msg__actions').evaluate((el) => getComputedStyle(el).opacity)).toBe('1');
    const toolbar = await last.locator('.msg__actions').evaluate((el) => el.getBoundingClientRect().toJSON() as DOMRect);
    const above = await vic.page.locator('[data-testid=message][data-seq]').nth(-2).locator('[data-testid=message-bubble]').evaluate((el) => el.getBoundingClientRect().toJSON() as DOMRect);
    expect(toolbar.top).toBeGreaterThanOrEqual(above.bottom);
    await shot(vic.page, 'toolbar-desktop');

    // On a narrow desktop window a long message still leaves its toolbar room inside the list.
    await vic.page.setViewportSize({ width: 900, height: 800 });
    await send(wes.page, 'a long message that fills the whole width of its bubble, '.repeat(4).trim());
    await expect.poll(() => vic.page.locator('[data-testid=message][data-seq]').count()).toBe(4);
    const long = vic.page.locator('[data-testid=message][data-seq]').last();
    await long.locator('[data-testid=message-bubble]').hover();
    await expect.poll(() => long.locator('.msg__actions').evaluate((el) => getComputedStyle(el).opacity)).toBe('1');
    const longBar = await long.locator('.msg__actions').evaluate((el) => el.getBoundingClientRect().toJSON() as DOMRect);
    const list = await box(vic.page, '[data-testid=message-list]');
    expect(longBar.right).toBeLessThanOrEqual(list.right);

    // Group settings on a wide screen narrow the conversation instead of covering it.
    await vic.page.setViewportSize({ width: 1440, height: 900 });
    const before = await box(vic.page, '[data-testid=composer]');
    await vic.page.getByTestId('group-settings-link').click();
    await vic.page.getByTestId('group-settings').waitFor();
    await settled(vic.page);
    const panel = await box(vic.page, '[data-testid=group-settings]');
    const after = await box(vic.page, '[data-testid=composer]');
    expect(after.right).toBeLessThanOrEqual(panel.left + 1);
    expect(after.width).toBeLessThan(before.width);
    // The embed snippet fits narrow host pages; the note says visitors stay signed in.
    expect(await vic.page.getByTestId('embed-snippet').inputValue()).toContain('max-width:100%');
    expect(await vic.page.getByTestId('embed-settings').textContent()).toContain('stay signed in there across reloads');
    await shot(vic.page, 'group-settings-beside-desktop');
    await closeAll(vic, wes, xia);
  });

  it('phone: one message toolbar at a time, under the message, with 44px targets', async () => {
    const yan = await signedIn(env.browser, 'yan', 'Yan', { mobile: true });
    const zed = await signedIn(env.browser, 'zed', 'Zed');
    const { room } = await apiAs(yan).post<{ room: { id: string } }>('/api/rooms/direct', { username: zed.username });
    await yan.page.goto(`${env.baseUrl}/chat/${room.id}`);
    await connected(yan.page);
    await send(yan.page, 'first');
    await send(yan.page, 'second');
    await expect.poll(() => yan.page.locator('[data-testid=message][data-seq]').count()).toBe(2);
    const [first, second] = [yan.page.locator('[data-testid=message][data-seq]').nth(0), yan.page.locator('[data-testid=message][data-seq]').nth(1)];
    await first.locator('[data-testid=message-bubble]').tap();
    await second.locator('[data-testid=message-bubble]').tap();
    const visible = () => yan.page.locator('.msg__actions').evaluateAll((els) => els.filter((el) => getComputedStyle(el).display !== 'none').length);
    await expect.poll(visible).toBe(1);
    const heights = await second.locator('.msg__actions button').evaluateAll((bs) => bs.map((b) => b.getBoundingClientRect().height));
    expect(Math.min(...heights)).toBeGreaterThanOrEqual(44);
    // A reaction chip is a 44px target too.
    await second.getByRole('button', { name: 'Add reaction' }).tap();
    await second.locator('.reaction-picker__btn').first().tap();
    await second.getByTestId('reaction').waitFor({ timeout: 10_000 });
    expect(await second.getByTestId('reaction').evaluate((b) => b.getBoundingClientRect().height)).toBeGreaterThanOrEqual(44);
    await shot(yan.page, 'toolbar-phone');
    // Every control of the chat page (header, message actions, composer) is at least 44×44.
    const small = await yan.page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('main button, main a[href]')]
        .filter((el) => el.offsetParent !== null && !el.closest('.bubble__text'))
        .map((el) => ({ name: el.getAttribute('aria-label') ?? el.textContent?.trim(), ...el.getBoundingClientRect().toJSON() }))
        .filter((r) => r.width < 44 || r.height < 44)
        .map((r) => `${r.name} ${Math.round(r.width)}×${Math.round(r.height)}`),
    );
    expect(small).toEqual([]);
    await closeAll(yan, zed);
  });

  it('after being removed and re-added, the "New messages" line starts at what is new', async () => {
    const dot = await signedIn(env.browser, 'dot', 'Dot');
    const eve = await signedIn(env.browser, 'eve', 'Eve');
    const { room } = await apiAs(dot).post<{ room: { id: string } }>('/api/groups', { name: 'Reread', members: [eve.username] });
    await dot.page.goto(`${env.baseUrl}/chat/${room.id}`);
    await connected(dot.page);
    for (const t of ['one', 'two', 'three']) await send(dot.page, t);
    await eve.page.goto(`${env.baseUrl}/chat/${room.id}`);
    await connected(eve.page);
    await expect.poll(() => texts(eve.page)).toEqual(['one', 'two', 'three']);
    await eve.page.waitForTimeout(500);
    await e2eApi().json('DELETE', `/api/groups/${room.id}/members/${eve.id}`, undefined, dot.token, [200, 204]);
    // Said as the app says things, not as the server's developer-facing error; the chat stays, read-only.
    await expect.poll(() => eve.page.getByTestId('former-notice').textContent(), { timeout: 15_000 }).toContain('You were removed from this group.');
    await eve.page.goto(`${env.baseUrl}/chat`);
    await apiAs(dot).post(`/api/groups/${room.id}/members`, { username: eve.username });
    await send(dot.page, 'four, new');
    await expect.poll(() => texts(dot.page)).toContain('four, new');
    await eve.page.goto(`${env.baseUrl}/chat/${room.id}`);
    await connected(eve.page);
    await eve.page.getByTestId('unread-line').waitFor({ timeout: 15_000 });
    const afterLine = await eve.page.evaluate(() => {
      const line = document.querySelector('[data-testid=unread-line]');
      let el = line?.nextElementSibling;
      while (el && el.getAttribute('data-testid') !== 'message') el = el.nextElementSibling;
      return el?.querySelector('[data-testid=message-text]')?.textContent ?? el?.textContent ?? null;
    });
    expect(afterLine).toBe('four, new');
    await closeAll(dot, eve);
  });

  it("phone video call: the self-view does not cover the other person's name or the call's timer", async () => {
    const fay = await signedIn(env.browser, 'fay', 'Fay', { mobile: true });
    const gil = await signedIn(env.browser, 'gil', 'Gilbert Montgomery-Featherstonehaugh');
    const { room } = await apiAs(fay).post<{ room: { id: string } }>('/api/rooms/direct', { username: gil.username });
    // Presence (and so ringing) needs both to have written in the chat (docs/security.md).
    await exchangeMessages([fay, gil], room.id);
    await fay.page.goto(`${env.baseUrl}/chat/${room.id}`);
    await connected(fay.page);
    await gil.page.getByTestId('me-name').waitFor();
    await expect.poll(() => fay.page.getByTestId('chat-subtitle').textContent(), { timeout: 15_000 }).toBe('online');
    await clickChatControl(fay.page, 'call-video-button');
    await gil.page.getByTestId('incoming-call').waitFor({ timeout: 15_000 });
    await gil.page.getByRole('button', { name: 'Accept video call' }).click();
    // Connected with the other side's video: the name and timer move to the top (compact).
    await expect.poll(() => fay.page.getByTestId('call-screen').getAttribute('data-link'), { timeout: 30_000 }).toBe('connected');
    await fay.page.locator('.call__who--compact').waitFor({ timeout: 20_000 });
    await fay.page.getByTestId('local-video').waitFor();
    await settled(fay.page);
    const self = await box(fay.page, '[data-testid=local-video]');
    for (const selector of ['#call-peer-name', '[data-testid=call-status]', '[data-testid=call-hangup]']) {
      const other = await box(fay.page, selector);
      const overlaps = self.left < other.right && other.left < self.right && self.top < other.bottom && other.top < self.bottom;
      expect(overlaps, `self-view over ${selector}`).toBe(false);
    }
    await shot(fay.page, 'call-self-view-phone');
    await fay.page.getByTestId('call-hangup').click();
    await closeAll(fay, gil);
  });

  it('a burst of sends shows its progress', async () => {
    allowConsoleErrors(/^Failed to load resource: net::ERR_INTERNET_DISCONNECTED /); // taken offline on purpose
    const abe = await signedIn(env.browser, 'abe', 'Abe');
    const bea = await signedIn(env.browser, 'bea', 'Bea');
    const { room } = await apiAs(abe).post<{ room: { id: string } }>('/api/rooms/direct', { username: bea.username });
    await abe.page.goto(`${env.baseUrl}/chat/${room.id}`);
    await connected(abe.page);
    await abe.page.evaluate(() => {
      new MutationObserver(() => {
        if (document.querySelector('[data-testid=send-progress]')) (window as unknown as { sawProgress: boolean }).sawProgress = true;
      }).observe(document.body, { subtree: true, childList: true });
    });
    await abe.ctx.setOffline(true);
    for (let i = 1; i <= 8; i++) await send(abe.page, `burst ${i}`);
    await abe.ctx.setOffline(false);
    await expect.poll(() => abe.page.locator('[data-pending=true]').count(), { timeout: 30_000 }).toBe(0);
    expect(await abe.page.evaluate(() => (window as unknown as { sawProgress?: boolean }).sawProgress)).toBe(true);
    await closeAll(abe, bea);
  });

  it('embed: sign-up with a display name, and signing out inside the frame', async () => {
    // The visitor is not a member yet: the embed asks for the room (403) and offers to join.
    allowConsoleErrors(/status of 403 .*\/api\/rooms\/[0-9a-f-]{36}$/);
    const cal = await signedIn(env.browser, 'cal', 'Cal');
    const { room } = await apiAs(cal).post<{ room: { id: string } }>('/api/groups', { name: 'Embedded', members: [] });
    const { invite } = await apiAs(cal).post<{ invite: { token: string } }>(`/api/groups/${room.id}/invites`, {});
    const ctx = await env.browser.newContext({ viewport: { width: 390, height: 700 } });
    const page = await ctx.newPage();
    await page.goto(`${env.baseUrl}/embed/${room.id}?invite=${invite.token}`);
    await page.getByTestId('embed-signin').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Create an account' }).click();
    const username = `emb_${Date.now().toString(36)}`;
    await page.getByLabel('Username', { exact: true }).fill(username);
    await page.getByLabel('Display name (optional)').fill('Dora Explorer');
    await page.getByLabel('Email').fill(`${username}@example.test`);
    await page.getByLabel('Password', { exact: true }).fill('correct horse battery staple');
    await page.getByTestId('embed-signin-submit').click();
    await page.getByTestId('join-button').click();
    await page.getByTestId('composer-input').waitFor({ timeout: 20_000 });
    await connected(page);
    await expect.poll(async () => (await apiAs(cal).get<{ room: { members: { displayName: string }[] } }>(`/api/rooms/${room.id}`)).room.members.map((m) => m.displayName)).toContain('Dora Explorer');
    await page.getByTestId('embed-signout').click();
    await page.getByTestId('embed-confirm-signout').click();
    await page.getByTestId('embed-signin').waitFor({ timeout: 15_000 });
    await ctx.close();
    await closeAll(cal);
  });
});
