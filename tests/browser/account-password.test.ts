/**
 * The account page's password form: its "current password is wrong" goes as soon as I change
 * either field, so it never sits beside the next problem (the browser's own "at least 8").
 */
import { describe, expect, it } from 'vitest';
import { allowConsoleErrors, browserPerFile, closeAll, signedIn } from '../support/browser';

const env = browserPerFile();

describe('password form', () => {
  it('clears a stale error when I edit the form', async () => {
    allowConsoleErrors(/status of 403 .*\/api\/account\/password$/); // a wrong current password, on purpose
    const kim = await signedIn(env.browser, 'kim', 'Kim', { path: '/chat/account' });
    await kim.page.getByTestId('account-page').waitFor({ timeout: 20_000 });
    await kim.page.getByTestId('current-password').fill('not my password');
    await kim.page.getByTestId('new-password').fill('a brand new secret');
    await kim.page.getByTestId('change-password').click();
    await expect.poll(() => kim.page.getByTestId('account-error').textContent(), { timeout: 15_000 }).toContain('current password is wrong');
    await kim.page.getByTestId('new-password').fill('short');
    expect(await kim.page.getByTestId('account-error').count()).toBe(0);
    await closeAll(kim);
  });
});
