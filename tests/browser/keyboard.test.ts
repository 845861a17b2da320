/**
 * Keyboard-only use of the main flows: a skip link first; from the conversation list to the
 * composer in a few Tab presses whatever the length of the chat (the message list is one tab
 * stop with arrow keys inside, a message's buttons join the tab order only while it has focus);
 * opening a chat with Enter puts focus in the composer; Escape closes what is open (reaction
 * picker, new chat, group settings, sign-out confirmation) and focus returns where it came from.
 */
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { apiAs, closeAll, connected, browserPerFile, signedIn, type Person } from '../support/browser';
import { connectAs, e2eApi } from '../support/e2e';
import { closeAllSockets } from '../support/ws-client';

const env = browserPerFile();

afterAll(async () => {
  await closeAllSockets();
});

/** What has focus: its data-testid (or tag), and the message's seq when it is a message. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return { testId: el?.dataset.testid ?? el?.tagName.toLowerCase() ?? null, seq: el?.dataset.seq ?? null, label: el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? '' };
  });

async function tabUntil(page: Page, testId: string, max = 40): Promise<number> {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    if ((await focused(page)).testId === testId) return i;
  }
  throw new Error(`${testId} not reached in ${max} Tab presses`);
}

/** Fills a room with `n` messages from `who` over a real socket. */
async function fill(who: Person, roomId: string, n: number) {
  const api = e2eApi();
  const s = await connectAs(api, { id: who.id, username: who.username, password: who.password, token: who.token, cookie: '' }, roomId);
  for (let i = 1; i <= n; i++) {
    const clientId = crypto.randomUUID();
    // The room rate-limits a burst: wait as long as it says, then send the same message again.
    for (let attempt = 0; ; attempt++) {
      const seen = s.inbox.frames.length;
      s.send({ type: 'send', clientId, content: `message ${i}` });
      let answer: (typeof s.inbox.frames)[number] | undefined;
      for (const deadline = Date.now() + 10_000; !answer && Date.now() < deadline; ) {
        answer = s.inbox.frames.slice(seen).find((f) => (f.type === 'ack' || f.type === 'error') && 'clientId' in f && f.clientId === clientId);
        if (!answer) await new Promise((r) => setTimeout(r, 10));
      }
      if (answer?.type === 'ack') break;
      if (!answer || attempt > 20) throw new Error(`message ${i} was not acknowledged`);
      await new Promise((r) => setTimeout(r, (answer.type === 'error' ? answer.retryAfterMs : undefined) ?? 1000));
    }
  }
  await s.close();
}

describe('keyboard', () => {
  it('skip link, list → composer in a few Tabs in a 50-message chat, arrow keys in the list, Escape on the reaction picker', async () => {
    const kim = await signedIn(env.browser, 'kim', 'Kim');
    const lee = await signedIn(env.browser, 'lee', 'Lee');
    const { room } = await apiAs(kim).post<{ room: { id: string } }>('/api/rooms/direct', { username: lee.username });
    await fill(lee, room.id, 50);
    await kim.page.reload();
    await kim.page.locator(`[data-testid=conversation-item][data-room-id="${room.id}"]`).waitFor({ timeout: 20_000 });

    // The first Tab reaches the skip link, which shows itself.
    await kim.page.keyboard.press('Tab');
    expect((await focused(kim.page)).label).toMatch(/^Skip to/);
    expect(await kim.page.locator('.skip-link').evaluate((el) => el.getBoundingClientRect().top >= 0)).toBe(true);

    // Enter on a conversation opens it and puts focus in the composer.
    await tabUntil(kim.page, 'conversation-item');
    await kim.page.keyboard.press('Enter');
    await kim.page.waitForURL(`**/chat/${room.id}`);
    await connected(kim.page);
    await expect.poll(() => focused(kim.page).then((f) => f.testId)).toBe('composer-input');

    // Backwards from the composer: the message list is one stop (the newest message). All 50 are
    // unread, so the list opened at the "New messages" line and "Jump to latest" comes first.
    // Between them only the composer's emoji and attach buttons and, when shown, "Jump to latest".
    await kim.page.keyboard.press('Shift+Tab');
    for (const between of ['emoji-button', 'attach-button', 'jump-latest']) {
      if ((await focused(kim.page)).testId === between) await kim.page.keyboard.press('Shift+Tab');
    }
    const newest = await focused(kim.page);
    expect(newest.testId).toBe('message');
    expect(newest.seq).toBe('50');
    await kim.page.keyboard.press('ArrowUp');
    await kim.page.keyboard.press('ArrowUp');
    expect((await focused(kim.page)).seq).toBe('48');
    await kim.page.keyboard.press('End');
    expect((await focused(kim.page)).seq).toBe('50');

    // From the conversation link to the composer: a handful of Tabs, not one per message button.
    await kim.page.locator(`[data-testid=conversation-item][data-room-id="${room.id}"]`).focus();
    const presses = await tabUntil(kim.page, 'composer-input', 24);
    console.log(`Tab presses from the conversation link to the composer (50 messages): ${presses}`);
    // A handful, whatever the number of messages (it was 100 here): the list is one stop; the rest
    // are the sidebar's own controls (profile, account, theme, sign out, search), the chat header's
    // (calls, search, mute, contact info), the conversation's options button (pin, archive), the
    // sidebar's starred and secret-chat buttons, and the composer's emoji and attach buttons.
    expect(presses).toBeLessThanOrEqual(20);

    // A message's own buttons: Tab from the message; Escape closes the reaction picker and
    // focus goes back to the button that opened it.
    await kim.page.keyboard.press('Shift+Tab');
    for (const between of ['emoji-button', 'attach-button', 'jump-latest']) {
      if ((await focused(kim.page)).testId === between) await kim.page.keyboard.press('Shift+Tab');
    }
    expect((await focused(kim.page)).testId).toBe('message');
    await kim.page.keyboard.press('Tab');
    expect((await focused(kim.page)).label).toBe('Add reaction');
    await kim.page.keyboard.press('Enter');
    await kim.page.locator('.reaction-picker').waitFor();
    // The row of reactions: arrow keys move along it and wrap; Home and End go to its ends.
    expect((await focused(kim.page)).label).toBe('React with 👍');
    await kim.page.keyboard.press('ArrowRight');
    expect((await focused(kim.page)).label).toBe('React with ❤️');
    await kim.page.keyboard.press('ArrowLeft');
    await kim.page.keyboard.press('ArrowLeft');
    expect((await focused(kim.page)).label).toBe('More emoji');
    await kim.page.keyboard.press('Home');
    expect((await focused(kim.page)).label).toBe('React with 👍');
    await kim.page.keyboard.press('Escape');
    await expect.poll(() => kim.page.locator('.reaction-picker').count()).toBe(0);
    expect((await focused(kim.page)).label).toBe('Add reaction');
    await closeAll(kim, lee);
  });

  it('the chat list is one tab stop: arrow keys between chats, the options button of the focused one, then out', async () => {
    const pat = await signedIn(env.browser, 'pat', 'Pat');
    const friends = await Promise.all(['quinn', 'ray', 'sue', 'tom'].map((n) => e2eApi().register(n)));
    for (const f of friends) await apiAs(pat).post('/api/rooms/direct', { username: f.username });
    await pat.page.reload();
    const items = pat.page.getByTestId('conversation-item');
    await expect.poll(() => items.count(), { timeout: 20_000 }).toBe(4);
    const ids = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-room-id')));
    const at = () => pat.page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.roomId ?? null);

    // Into the list from the search box above it: the first chat, the only stop among the four.
    await pat.page.getByTestId('conversation-search').focus();
    await pat.page.keyboard.press('Tab');
    expect(await at()).toBe(ids[0]);
    await pat.page.keyboard.press('ArrowDown');
    await pat.page.keyboard.press('ArrowDown');
    expect(await at()).toBe(ids[2]);
    await pat.page.keyboard.press('End');
    expect(await at()).toBe(ids[3]);
    await pat.page.keyboard.press('ArrowUp');
    expect(await at()).toBe(ids[2]);
    // Tab: that chat's options, then out of the list (not through the other chats).
    await pat.page.keyboard.press('Tab');
    expect((await focused(pat.page)).label).toMatch(/options/i);
    await pat.page.keyboard.press('Tab');
    expect(await pat.page.evaluate(() => document.activeElement?.closest('[data-testid=conversation-list]') === null)).toBe(true);
    // Back in: the chat focused last.
    await pat.page.keyboard.press('Shift+Tab');
    if ((await focused(pat.page)).label.match(/options/i)) await pat.page.keyboard.press('Shift+Tab');
    expect(await at()).toBe(ids[2]);
    await pat.page.keyboard.press('Enter');
    await pat.page.waitForURL(`**/chat/${ids[2]}`);
    await closeAll(pat);
  });

  it('Escape closes new chat and group settings and returns focus; confirmations for removing a member and signing out', async () => {
    const max = await signedIn(env.browser, 'max', 'Max');
    const ned = await signedIn(env.browser, 'ned', 'Ned');
    const oli = await signedIn(env.browser, 'oli', 'Oli');
    const page = max.page;
    await page.getByTestId('new-chat-button').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('new-chat').waitFor();
    await page.keyboard.press('Escape');
    await page.waitForURL(`${env.baseUrl}/chat`);
    await expect.poll(() => focused(page).then((f) => f.testId)).toBe('new-chat-button');

    const { room } = await apiAs(max).post<{ room: { id: string } }>('/api/groups', { name: 'Trio', members: [ned.username, oli.username] });
    await page.goto(`${env.baseUrl}/chat/${room.id}`);
    await connected(page);
    await page.getByTestId('group-settings-link').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('group-settings').waitFor();
    await page.keyboard.press('Escape');
    await page.waitForURL(`**/chat/${room.id}`);
    await expect.poll(() => focused(page).then((f) => f.testId)).toBe('group-settings-link');

    // Removing a member asks first; Cancel keeps them.
    await page.getByTestId('group-settings-link').click();
    const ned$ = page.locator(`[data-testid=member][data-username="${ned.username}"]`);
    await ned$.getByTestId('remove-member').click();
    await ned$.getByTestId('cancel-remove-member').click();
    expect(await page.locator('[data-testid=member]').count()).toBe(3);
    await ned$.getByTestId('remove-member').click();
    await ned$.getByTestId('confirm-remove-member').click();
    await expect.poll(() => page.locator('[data-testid=member]').count(), { timeout: 15_000 }).toBe(2);
    // Focus stays in the panel, not lost to the page's body.
    await expect.poll(() => page.evaluate(() => Boolean(document.activeElement?.closest('[data-testid=group-settings]')))).toBe(true);

    // Signing out asks first; Escape cancels and returns focus to the button.
    await page.getByTestId('logout-button').click();
    await page.getByTestId('signout-confirm').waitFor();
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('signout-confirm').count()).toBe(0);
    expect((await focused(page)).testId).toBe('logout-button');
    await page.getByTestId('logout-button').click();
    await page.getByTestId('confirm-logout').click();
    await page.waitForURL('**/login');
    await closeAll(max, ned, oli);
  });
});
