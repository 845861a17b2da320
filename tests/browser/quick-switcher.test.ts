/**
 * The quick switcher (issue 25), keyboard only: Ctrl+K opens a modal dialog with the focus in
 * its text box, typing filters my chats by name without case or accents, ArrowDown moves the
 * highlighted option (aria-activedescendant), Enter opens that chat with the focus in its
 * composer; from the composer too, where Escape closes it and gives the focus back.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../support/api';
import { apiAs, browserPerFile, closeAll, connected, PASSWORD, settled, shot, signedIn } from '../support/browser';
import { e2eApi } from '../support/e2e';

const env = browserPerFile();

/** Someone with this display name, registered through the API (no browser of their own). */
async function someone(displayName: string): Promise<string> {
  const username = uniqueName('sw');
  const res = await e2eApi().request('POST', '/api/auth/register', { username, email: `${username}@example.test`, password: PASSWORD, displayName });
  expect(res.status).toBe(201);
  return username;
}

const focusedTestId = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);

describe('quick switcher', () => {
  it('Ctrl+K, type, ArrowDown, Enter opens the highlighted chat with the focus in it; Escape gives the focus back', async () => {
    const kim = await signedIn(env.browser, 'kim', 'Kim Switch');
    for (const name of ['Ana Éclair', 'Ana Lopez', 'Bruno Díaz']) {
      await apiAs(kim).post('/api/rooms/direct', { username: await someone(name) });
    }
    await kim.page.reload();
    await expect.poll(() => kim.page.getByTestId('conversation-item').count(), { timeout: 20_000 }).toBe(3);
    const page = kim.page;
    const dialog = page.getByTestId('switcher-dialog');
    const input = page.getByTestId('switcher-input');
    const options = page.getByTestId('switcher-option');

    await page.keyboard.press('Control+k');
    await dialog.waitFor();
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    expect(await focusedTestId(page)).toBe('switcher-input');
    expect(await input.getAttribute('role')).toBe('combobox');
    await expect.poll(() => options.count(), { timeout: 15_000 }).toBe(3);

    // Without the accent, in capitals: found.
    await page.keyboard.type('ECL');
    await expect.poll(() => options.allTextContents(), { timeout: 15_000 }).toEqual([expect.stringContaining('Ana Éclair')]);
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('ana');
    await expect.poll(() => options.count(), { timeout: 15_000 }).toBe(2);
    const ids = await options.evaluateAll((els) => els.map((e) => e.getAttribute('data-room-id')!));
    const activeOption = () => page.evaluate(() => document.activeElement?.getAttribute('aria-activedescendant') ?? null);
    const firstId = await options.nth(0).getAttribute('id');
    expect(await activeOption()).toBe(firstId);
    await page.keyboard.press('ArrowDown');
    const secondId = await options.nth(1).getAttribute('id');
    await expect.poll(activeOption, { timeout: 15_000 }).toBe(secondId);
    expect(await options.nth(1).getAttribute('aria-selected')).toBe('true');
    expect(await options.nth(0).getAttribute('aria-selected')).toBe('false');
    await settled(page);
    await shot(page, 'quick-switcher');

    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).toBe(`/chat/${ids[1]}`);
    await expect.poll(() => dialog.count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => focusedTestId(page), { timeout: 15_000 }).toBe('composer-input');

    // From the composer too; Escape closes it and the composer has the focus again.
    await connected(page);
    await page.keyboard.press('Control+k');
    await dialog.waitFor();
    expect(await focusedTestId(page)).toBe('switcher-input');
    await page.keyboard.type('bru');
    await expect.poll(() => options.count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByTestId('switcher-status').textContent()).toBe('1 chat');
    await page.keyboard.type('zzz');
    await expect.poll(() => page.getByTestId('switcher-status').textContent(), { timeout: 15_000 }).toBe('No chat matches that name.');
    expect(await input.getAttribute('aria-expanded')).toBe('false');
    expect(await input.getAttribute('aria-activedescendant')).toBeNull();
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count(), { timeout: 15_000 }).toBe(0);
    expect(await focusedTestId(page)).toBe('composer-input');
    expect(await page.getByTestId('composer-input').inputValue()).toBe('');
    expect(new URL(page.url()).pathname).toBe(`/chat/${ids[1]}`);

    // The shortcuts dialog lists it.
    await page.getByTestId('search-button').focus();
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts-dialog').waitFor();
    expect(await page.getByTestId('shortcuts-dialog').locator('dd').allTextContents()).toContain('Go to a chat by name (⌘ K on a Mac)');
    await page.keyboard.press('Escape');
    await closeAll(kim);
  });
});
