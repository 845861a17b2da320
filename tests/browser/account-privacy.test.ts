/**
 * The account page's privacy section (issue 25 #5) in Chromium: three radio groups named
 * by their legends, driven by the keyboard (arrow keys move the choice, as in any radio
 * group), each choice saved at once and announced, kept on the server (the REST answer
 * changes) and shown again after a reload.
 */
import { describe, expect, it } from 'vitest';
import type { PrivacySettings } from '../../durable-objects/shared/privacy';
import { apiAs, browserPerFile, closeAll, settled, shot, signedIn } from '../support/browser';

const env = browserPerFile();

describe('privacy settings on the account page', () => {
  it('saves each choice at once, from the keyboard too, and shows it after a reload', async () => {
    const pia = await signedIn(env.browser, 'pia', 'Pia Private', { path: '/chat/account' });
    const { page } = pia;
    const saved = async () => (await apiAs(pia).get<{ privacy: PrivacySettings }>('/api/account/privacy')).privacy;
    const lastSeen = page.getByRole('group', { name: 'Last seen and online' });
    const receipts = page.getByRole('group', { name: 'Read receipts' });
    const groupAdd = page.getByRole('group', { name: 'Who can add me to groups' });

    // The defaults, once loaded.
    await lastSeen.getByRole('radio', { name: 'Everyone' }).and(page.locator(':enabled')).waitFor();
    expect(await lastSeen.getByRole('radio', { name: 'Everyone' }).isChecked()).toBe(true);
    expect(await receipts.getByRole('radio', { name: 'On' }).isChecked()).toBe(true);
    expect(await groupAdd.getByRole('radio', { name: 'Everyone' }).isChecked()).toBe(true);

    // Keyboard: focus the chosen radio, an arrow key moves the choice, which is saved and announced.
    await lastSeen.getByRole('radio', { name: 'Everyone' }).focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.getByTestId('privacy-status').textContent(), { timeout: 20_000 }).toBe('Privacy settings saved.');
    expect(await lastSeen.getByRole('radio', { name: 'My contacts' }).isChecked()).toBe(true);
    // Focus stays in the group while it saves.
    expect(await lastSeen.getByRole('radio', { name: 'My contacts' }).evaluate((el) => el === document.activeElement)).toBe(true);
    expect((await saved()).lastSeen).toBe('contacts');

    await receipts.getByRole('radio', { name: 'Off' }).check();
    await expect.poll(async () => (await saved()).readReceipts, { timeout: 20_000 }).toBe(false);
    await groupAdd.getByRole('radio', { name: 'Nobody' }).check();
    await expect.poll(async () => (await saved()).groupAdd, { timeout: 20_000 }).toBe('nobody');
    await page.getByTestId('privacy-settings').scrollIntoViewIfNeeded();
    await settled(page);
    await shot(page, 'account-privacy');

    await page.reload();
    await lastSeen.getByRole('radio', { name: 'My contacts' }).and(page.locator(':checked')).waitFor();
    expect(await receipts.getByRole('radio', { name: 'Off' }).isChecked()).toBe(true);
    expect(await groupAdd.getByRole('radio', { name: 'Nobody' }).isChecked()).toBe(true);
    await closeAll(pia);
  });
});
