/**
 * The full reaction picker ("+" beside the quick reactions) opens where it can be seen whole:
 * over the first message of a conversation there is no room above it, so it opens below; on a
 * phone it stays within the screen's width too; and no message after it paints over it (each
 * message row is laid out and stacked on its own, and the row with the picker open is lifted).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiAs, browserPerFile, closeAll, connected, exchangeMessages, shot, signedIn } from '../support/browser';

const env = browserPerFile();

async function openFullPicker(page: Page) {
  const first = page.locator('[data-testid=message][data-seq]').first();
  await first.waitFor({ timeout: 15_000 });
  await first.getByTestId('message-bubble').click();
  await first.getByRole('button', { name: 'Add reaction' }).click();
  await first.getByTestId('reaction-more').click();
  await page.getByTestId('emoji-picker').waitFor();
}

/** The picker's box against the message list's and the viewport's. */
const placement = (page: Page) =>
  page.evaluate(() => {
    const picker = document.querySelector('[data-testid=emoji-picker]')!.getBoundingClientRect();
    const list = document.querySelector('.messages')!.getBoundingClientRect();
    return {
      inList: picker.top >= list.top && picker.bottom <= list.bottom,
      inViewport: picker.top >= 0 && picker.left >= 0 && picker.right <= window.innerWidth && picker.bottom <= window.innerHeight,
      top: Math.round(picker.top),
      listTop: Math.round(list.top),
    };
  });

/** Whether the picker is what is on top at its corners and middle (hit-testing, as a click would). */
const pickerOnTop = (page: Page) =>
  page.evaluate(() => {
    const picker = document.querySelector('[data-testid=emoji-picker]')!;
    const box = picker.getBoundingClientRect();
    const points = [
      [box.left + 6, box.top + 6],
      [box.right - 6, box.top + 6],
      [box.left + box.width / 2, box.top + box.height / 2],
      [box.left + 6, box.bottom - 6],
      [box.right - 6, box.bottom - 6],
    ];
    return points.map(([x, y]) => picker.contains(document.elementFromPoint(x!, y!)));
  });

describe('full reaction picker', () => {
  for (const mobile of [false, true]) {
    it(`opens within the message list over the first message (${mobile ? 'phone' : 'desktop'})`, async () => {
      const ann = await signedIn(env.browser, 'ann', 'Ann', { mobile });
      const bob = await signedIn(env.browser, 'bob', 'Bob');
      const { room } = await apiAs(ann).post<{ room: { id: string } }>('/api/rooms/direct', { username: bob.username });
      await exchangeMessages([bob, ann], room.id);
      await ann.page.goto(`${env.baseUrl}/chat/${room.id}`);
      await connected(ann.page);
      await openFullPicker(ann.page);
      await shot(ann.page, `reaction-picker-top-${mobile ? 'phone' : 'desktop'}`);
      expect(await placement(ann.page)).toMatchObject({ inList: true, inViewport: true });
      expect(await pickerOnTop(ann.page), 'the picker is on top of the messages below it').toEqual([true, true, true, true, true]);
      // The search field is usable: typing filters, Enter reacts.
      await ann.page.getByTestId('emoji-search').fill('heart');
      await ann.page.getByTestId('emoji-search').press('Enter');
      await ann.page.locator('[data-testid=message][data-seq]').first().getByTestId('reaction').waitFor({ timeout: 10_000 });
      await closeAll(ann, bob);
    });
  }
});
