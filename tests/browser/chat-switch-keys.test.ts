/**
 * Alt+ArrowDown / Alt+ArrowUp move between conversations in the list's order (issue 25), from
 * the composer too, wrapping at the ends; `?` outside a text field opens "Keyboard shortcuts".
 */
import { describe, expect, it } from 'vitest';
import { apiAs, closeAll, connected, browserPerFile, signedIn } from '../support/browser';
import { e2eApi } from '../support/e2e';

const env = browserPerFile();

describe('next and previous chat', () => {
  it('Alt+ArrowDown and Alt+ArrowUp follow the list, from the composer, wrapping around', async () => {
    const api = e2eApi();
    const kim = await signedIn(env.browser, 'kim', 'Kim Keys');
    const [lee, max] = [await api.register('lee'), await api.register('max')];
    await apiAs(kim).post('/api/rooms/direct', { username: lee.username });
    await apiAs(kim).post('/api/rooms/direct', { username: max.username });
    await kim.page.reload();
    await expect.poll(() => kim.page.getByTestId('conversation-item').count(), { timeout: 20_000 }).toBe(2);
    const ids = await kim.page.getByTestId('conversation-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-room-id')!));
    const at = () => new URL(kim.page.url()).pathname.split('/').pop();

    await kim.page.keyboard.press('Alt+ArrowDown');
    await expect.poll(at, { timeout: 15_000 }).toBe(ids[0]);
    await connected(kim.page);
    await kim.page.getByTestId('composer-input').focus();
    await kim.page.keyboard.press('Alt+ArrowDown');
    await expect.poll(at, { timeout: 15_000 }).toBe(ids[1]);
    await kim.page.keyboard.press('Alt+ArrowDown');
    await expect.poll(at, { timeout: 15_000 }).toBe(ids[0]);
    await kim.page.keyboard.press('Alt+ArrowUp');
    await expect.poll(at, { timeout: 15_000 }).toBe(ids[1]);

    // `?` in the composer is text; outside a field it opens the shortcuts, Escape closes them.
    await connected(kim.page);
    await kim.page.getByTestId('composer-input').focus();
    await kim.page.keyboard.type('?');
    expect(await kim.page.getByTestId('composer-input').inputValue()).toBe('?');
    expect(await kim.page.getByTestId('shortcuts-dialog').count()).toBe(0);
    await kim.page.getByTestId('composer-input').fill('');
    await kim.page.getByTestId('search-button').focus();
    await kim.page.keyboard.press('?');
    const dialog = kim.page.getByTestId('shortcuts-dialog');
    await dialog.waitFor();
    expect(await dialog.getByRole('heading').textContent()).toBe('Keyboard shortcuts');
    expect(await dialog.locator('dd').allTextContents()).toContain('Next chat in the list');
    await kim.page.keyboard.press('Escape');
    await expect.poll(() => dialog.count(), { timeout: 15_000 }).toBe(0);
    expect(await kim.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('search-button');
    await closeAll(kim);
  });
});
