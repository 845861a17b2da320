/**
 * Blocking from the web app: in a direct chat the header's block button (two clicks) blocks
 * the other person; the app returns to the list and the server refuses their messages to me.
 * A stranger's direct chat shows their @username and no presence.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appInfo } from '../support/app';
import { e2eApi } from '../support/e2e';
import { apiAs, closeAll, connected, launchBrowser, shot, signedIn } from '../support/browser';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('blocking', () => {
  it('blocks the other person of a direct chat from its header', async () => {
    const [ann, pest] = await Promise.all([signedIn(browser, 'ann', 'Ann'), signedIn(browser, 'pest', 'Ann')]);
    const { room } = await apiAs(pest).post<{ room: { id: string } }>('/api/rooms/direct', { username: ann.username });
    await ann.page.goto(`${appInfo().baseUrl}/chat/${room.id}`);
    await connected(ann.page);
    // Same display name as Ann's own: the header names the stranger by @username, and shows no presence.
    await expect.poll(() => ann.page.getByTestId('chat-subtitle').textContent()).toBe(`@${pest.username}`);

    await ann.page.getByTestId('block-button').click();
    await shot(ann.page, 'block-confirm');
    await ann.page.getByTestId('block-confirm').click();
    await ann.page.waitForURL(/\/chat$/);

    const refused = await e2eApi().request('POST', '/api/rooms/direct', { username: ann.username }, pest.token);
    expect(refused.status).toBe(403);
    const blocked = await apiAs(ann).get<{ blocked: { username: string }[] }>('/api/blocks');
    expect(blocked.blocked.map((b) => b.username)).toEqual([pest.username]);
    await closeAll(ann, pest);
  });
});
