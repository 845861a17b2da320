/**
 * Threads (issue 25) in real browsers: "Reply in thread" from a message's menu opens the thread
 * in a side panel with its own composer; the reply shows live in the other person's open panel
 * and never in the chat itself; the root's line counts replies and carries an unread dot until
 * the thread is opened, on every device of mine (the mark is kept on the server); the panel
 * works by keyboard (Escape closes it, focus returns to what opened it) and fills a phone's
 * screen.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appInfo } from '../support/app';
import { apiAs, browserPerFile, closeAll, connected, send, settled, shot, signedIn, signedInElsewhere } from '../support/browser';

const files = browserPerFile();

const messageWith = (page: Page, text: string) => page.locator('[data-testid=message][data-seq]', { hasText: text });
const panel = (page: Page) => page.getByTestId('thread-panel');
const focusedTestId = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);

async function replyInPanel(page: Page, text: string) {
  const input = panel(page).getByTestId('composer-input');
  await input.fill(text);
  await input.press('Enter');
}

describe('threads', () => {
  it('replies in a thread in two browsers: the panel, live replies, the count, the unread dot and the keyboard', async () => {
    const ann = await signedIn(files.browser, 'ann', 'Ann Thread');
    const ben = await signedIn(files.browser, 'ben', 'Ben Thread');
    try {
      const { room } = await apiAs(ann).post<{ room: { id: string } }>('/api/rooms/direct', { username: ben.username });
      for (const p of [ann, ben]) {
        await p.page.goto(`${appInfo().baseUrl}/chat/${room.id}`);
        await connected(p.page);
      }
      await send(ann.page, 'Where shall we eat?');
      const rootOnBen = messageWith(ben.page, 'Where shall we eat?');
      await rootOnBen.waitFor({ timeout: 15_000 });

      // Ann: "Reply in thread" from the message's menu; the panel opens with its composer focused.
      const root = messageWith(ann.page, 'Where shall we eat?');
      await root.hover();
      await root.getByTestId('message-more').click();
      await ann.page.getByTestId('message-action-thread').click();
      await panel(ann.page).waitFor();
      await expect.poll(() => ann.page.evaluate(() => document.activeElement?.closest('[data-testid=thread-panel]') !== null)).toBe(true);
      await replyInPanel(ann.page, 'The noodle bar?');
      await panel(ann.page).locator('[data-testid=message][data-seq]', { hasText: 'The noodle bar?' }).waitFor({ timeout: 15_000 });

      // Ben: the root's line counts it, with an unread dot; the reply is not in the chat itself.
      const benLine = rootOnBen.getByTestId('thread-line');
      await benLine.waitFor({ timeout: 15_000 });
      await expect.poll(() => benLine.textContent()).toContain('1 reply');
      expect(await benLine.getAttribute('data-unread')).toBe('true');
      expect(await ben.page.getByTestId('message-list').locator('[data-testid=message]', { hasText: 'The noodle bar?' }).count()).toBe(0);
      await shot(ben.page, 'thread-line-unread');

      // Ben opens it by keyboard: the reply is there, the dot goes; he answers, Ann sees it live.
      await benLine.focus();
      await ben.page.keyboard.press('Enter');
      await panel(ben.page).locator('[data-testid=message][data-seq]', { hasText: 'The noodle bar?' }).waitFor({ timeout: 15_000 });
      await expect.poll(() => benLine.getAttribute('data-unread')).toBe('false');
      // Read here, read on Ben's other devices too: his phone opens the chat without the dot.
      const phone = await signedInElsewhere(files.browser, ben, { mobile: true, path: `/chat/${room.id}` });
      try {
        const phoneLine = messageWith(phone.page, 'Where shall we eat?').getByTestId('thread-line');
        await expect.poll(() => phoneLine.textContent(), { timeout: 15_000 }).toContain('1 reply');
        await expect.poll(() => phoneLine.getAttribute('data-unread'), { timeout: 15_000 }).toBe('false');
      } finally {
        await closeAll(phone);
      }
      await replyInPanel(ben.page, 'Yes, at one');
      await panel(ann.page).locator('[data-testid=message][data-seq]', { hasText: 'Yes, at one' }).waitFor({ timeout: 15_000 });
      await expect.poll(() => root.getByTestId('thread-line').textContent()).toContain('2 replies');
      // Ann has the thread open: no dot for her.
      expect(await root.getByTestId('thread-line').getAttribute('data-unread')).toBe('false');
      await shot(ann.page, 'thread-panel');

      // Escape closes the panel; focus goes back to what opened it.
      await panel(ben.page).getByTestId('composer-input').focus();
      await ben.page.keyboard.press('Escape');
      await panel(ben.page).waitFor({ state: 'detached' });
      expect(await focusedTestId(ben.page)).toBe('thread-line');
      await panel(ann.page).getByTestId('composer-input').focus();
      await ann.page.keyboard.press('Escape');
      await panel(ann.page).waitFor({ state: 'detached' });
      expect(await focusedTestId(ann.page)).toBe('message-more');

      // After a reload the replies are still in the thread only, and the count comes with the root.
      await ben.page.reload();
      await connected(ben.page);
      await expect.poll(() => messageWith(ben.page, 'Where shall we eat?').getByTestId('thread-line').textContent(), { timeout: 15_000 }).toContain('2 replies');
      expect(await ben.page.getByTestId('message-list').locator('[data-testid=message]', { hasText: 'Yes, at one' }).count()).toBe(0);
    } finally {
      await closeAll(ann, ben);
    }
  });

  it('fills a phone screen, and a search hit in a thread opens the thread at it', async () => {
    const ann = await signedIn(files.browser, 'ann', 'Ann Phone');
    const ben = await signedIn(files.browser, 'ben', 'Ben Phone', { mobile: true });
    try {
      const { room } = await apiAs(ann).post<{ room: { id: string } }>('/api/rooms/direct', { username: ben.username });
      await ann.page.goto(`${appInfo().baseUrl}/chat/${room.id}`);
      await connected(ann.page);
      await send(ann.page, 'Phone root');
      const root = messageWith(ann.page, 'Phone root');
      await root.waitFor({ timeout: 15_000 });
      const rootSeq = await root.getAttribute('data-seq');
      await root.hover();
      await root.getByTestId('message-more').click();
      await ann.page.getByTestId('message-action-thread').click();
      const word = `zebra${Date.now().toString(36)}`;
      await replyInPanel(ann.page, `A ${word} crossing`);
      await panel(ann.page).locator('[data-testid=message][data-seq]', { hasText: word }).waitFor({ timeout: 15_000 });
      const replySeq = Number(await panel(ann.page).locator('[data-testid=message][data-seq]', { hasText: word }).getAttribute('data-seq'));

      await ben.page.goto(`${appInfo().baseUrl}/chat/${room.id}`);
      await connected(ben.page);
      const line = messageWith(ben.page, 'Phone root').getByTestId('thread-line');
      await line.waitFor({ timeout: 15_000 });
      await line.click();
      await panel(ben.page).waitFor();
      // The panel slides in: measured once its animation is over.
      await settled(ben.page);
      const box = await panel(ben.page).boundingBox();
      expect(box).toMatchObject({ x: 0, width: 390 });
      expect(box!.height).toBeGreaterThan(700);
      await shot(ben.page, 'thread-panel-phone');
      await panel(ben.page).getByTestId('thread-close').click();
      await panel(ben.page).waitFor({ state: 'detached' });

      // Search (Postgres is written behind the room: the hit comes once flushed).
      await expect
        .poll(async () => (await apiAs(ben).get<{ results: { seq: number; threadRootSeq?: number }[] }>(`/api/search/messages?q=${word}`)).results, {
          timeout: 20_000,
          interval: 1100,
        })
        .toEqual([expect.objectContaining({ seq: replySeq })]);
      await ben.page.goto(`${appInfo().baseUrl}/chat/${room.id}?at=${replySeq}&thread=${rootSeq}`);
      await panel(ben.page).waitFor({ timeout: 15_000 });
      await expect.poll(() => ben.page.evaluate(() => document.activeElement?.id)).toBe(`msg-${replySeq}`);
    } finally {
      await closeAll(ann, ben);
    }
  });
});
