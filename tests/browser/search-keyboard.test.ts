/**
 * Search as people type it (issue 25) in a real browser: `lisb` finds "Lisbon" while typing,
 * a result shows the message's Markdown (bold as <strong>, never the asterisks) with the
 * prefix's whole word marked, the keyboard goes from the box through the results (ArrowDown,
 * ArrowUp back to the box, Enter), and opening a hit puts focus on that message, not the composer.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiAs, closeAll, connected, browserPerFile, shot, signedIn } from '../support/browser';
import { connectAs, e2eApi } from '../support/e2e';

const env = browserPerFile();

const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return { testId: el?.dataset.testid ?? null, seq: el?.dataset.seq ?? null };
  });

describe('search as you type', () => {
  it('finds by prefix, renders Markdown with the match marked, and the keyboard reaches and opens a hit that gets focus', async () => {
    const api = e2eApi();
    const ann = await signedIn(env.browser, 'ann', 'Ann Finder');
    const ben = await api.register('ben');
    const { room } = await apiAs(ann).post<{ room: { id: string } }>('/api/groups', { name: 'Travel', members: [ben.username] });
    const tag = `t${Date.now().toString(36)}`;
    const socket = await connectAs(api, ben, room.id);
    const lines = [`Booked **Lisbon** for ${tag}`, `filler ${tag}`, `Lisbonne? no, *Lisboa* ${tag} [map](https://example.com/lisbon)`];
    for (const [i, content] of lines.entries()) {
      socket.send({ type: 'send', clientId: `k${i}-${crypto.randomUUID()}`, content });
      await socket.inbox.next('ack');
    }
    await socket.close();
    await expect
      .poll(async () => (await apiAs(ann).get(`/api/search/messages?q=${tag}`)).results.length, { timeout: 20_000, interval: 500 })
      .toBe(3);

    await ann.page.getByTestId('me-name').waitFor();
    await ann.page.getByTestId('search-button').click();
    await ann.page.getByTestId('search-input').pressSequentially(`${tag} lisb`);
    const results = ann.page.getByTestId('search-result');
    await expect.poll(() => results.count(), { timeout: 10_000 }).toBe(2);
    // Newest first: the Lisbonne/Lisboa line, then the bold one.
    expect(await results.nth(0).getAttribute('data-seq')).toBe('3');
    const bold = results.nth(1);
    expect(await bold.locator('strong mark').allTextContents()).toEqual(['Lisbon']);
    expect(await bold.getByTestId('search-snippet').textContent()).not.toContain('**');
    // Italic kept, the link's text shown without a nested link inside the result's own link.
    expect(await results.nth(0).locator('em mark').allTextContents()).toEqual(['Lisboa']);
    expect(await results.nth(0).locator('a').count()).toBe(0);
    expect(await results.nth(0).locator('mark').allTextContents()).toEqual(['Lisbonne', 'Lisboa', tag]);
    await shot(ann.page, 'search-prefix-desktop');

    // The keyboard: into the results, down, back up to the box.
    await ann.page.keyboard.press('ArrowDown');
    expect(await focused(ann.page)).toEqual({ testId: 'search-result', seq: '3' });
    await ann.page.keyboard.press('ArrowDown');
    expect(await focused(ann.page)).toEqual({ testId: 'search-result', seq: '1' });
    await ann.page.keyboard.press('ArrowUp');
    await ann.page.keyboard.press('ArrowUp');
    expect((await focused(ann.page)).testId).toBe('search-input');
    await ann.page.keyboard.press('ArrowDown');
    await ann.page.keyboard.press('End');
    expect(await focused(ann.page)).toEqual({ testId: 'search-result', seq: '1' });

    // Enter opens it: the chat at that message, with focus on the message.
    await ann.page.keyboard.press('Enter');
    await ann.page.waitForURL(`**/chat/${room.id}**`);
    await connected(ann.page);
    await expect.poll(() => focused(ann.page), { timeout: 15_000 }).toEqual({ testId: 'message', seq: '1' });
    expect(await ann.page.getByTestId('search-panel').count()).toBe(0);

    // Enter in the box opens the first result straight away.
    await ann.page.getByTestId('search-button').click();
    await ann.page.getByTestId('search-input').fill(`${tag} fill`);
    await expect.poll(() => results.count(), { timeout: 10_000 }).toBe(1);
    await ann.page.getByTestId('search-input').press('Enter');
    await expect.poll(() => focused(ann.page), { timeout: 15_000 }).toEqual({ testId: 'message', seq: '2' });
    await closeAll(ann);
  });
});
