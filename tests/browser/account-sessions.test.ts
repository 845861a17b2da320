/**
 * The account page's sessions (issue 25), two browsers of one person: each session is named
 * after its browser and system, "This device" marks this one, and "Sign out all other
 * sessions" (after a confirmation) signs the other browser out: its open app ends up at the
 * sign-in page without a reload.
 */
import { describe, expect, it } from 'vitest';
import { allowConsoleErrors, browserPerFile, closeAll, settled, shot, signedIn } from '../support/browser';

const env = browserPerFile();

const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';

describe('sessions on the account page', () => {
  it('names both browsers and signs the other one out', async () => {
    const sam = await signedIn(env.browser, 'sam', 'Sam Sessions');
    await sam.page.getByTestId('conversation-search').waitFor();

    // The same person in another browser: Firefox on Windows, signed in through the sign-in page.
    const other = await env.browser.newContext({ userAgent: FIREFOX_WINDOWS, viewport: { width: 1280, height: 800 } });
    const otherPage = await other.newPage();
    await otherPage.goto(`${env.baseUrl}/login`);
    await otherPage.getByLabel('Username or email').fill(sam.username);
    await otherPage.getByLabel('Password', { exact: true }).fill(sam.password);
    await otherPage.getByTestId('login-submit').click();
    await otherPage.waitForURL('**/chat', { timeout: 30_000 });
    await otherPage.getByTestId('conversation-search').waitFor();

    await sam.page.goto(`${env.baseUrl}/chat/account`);
    expect(await sam.page.getByRole('heading', { level: 1 }).textContent()).toBe('Account');
    const sessions = sam.page.getByTestId('session');
    // This browser's session began through the API (signedIn): its first refresh from Chromium named it.
    await expect.poll(() => sessions.count(), { timeout: 20_000 }).toBe(2);
    // One h1, and no level skipped below it (axe's heading-order).
    const levels = await sam.page.locator('h1, h2, h3, h4, h5, h6').evaluateAll((hs) => hs.filter((h) => h.getClientRects().length).map((h) => Number(h.tagName[1])));
    expect(levels.filter((l) => l === 1)).toHaveLength(1);
    levels.forEach((level, i) => expect(level - (levels[i - 1] ?? 0)).toBeLessThanOrEqual(1));
    const mine = sessions.first();
    expect(await mine.getAttribute('data-current')).toBe('true');
    expect(await mine.getByTestId('session-device').textContent()).toBe('Chrome on Linux');
    expect(await mine.textContent()).toContain('This device');
    expect(await sam.page.locator('[data-testid=session][data-current=false] [data-testid=session-device]').allTextContents()).toEqual(['Firefox on Windows']);

    await sessions.first().scrollIntoViewIfNeeded();
    await settled(sam.page);
    await shot(sam.page, 'account-sessions');

    // The other browser's refreshes and sockets are refused from now on.
    allowConsoleErrors(/status of 401/);
    await sam.page.getByTestId('revoke-other-sessions').click();
    const confirm = sam.page.getByTestId('revoke-others-dialog');
    await confirm.waitFor();
    await settled(sam.page);
    await shot(sam.page, 'account-sessions-confirm');
    await sam.page.getByTestId('confirm-revoke-others').click();
    await expect.poll(() => sam.page.getByTestId('other-sessions-signed-out').textContent(), { timeout: 20_000 }).toBe('1 other session was signed out.');
    await expect.poll(() => sessions.count(), { timeout: 20_000 }).toBe(1);
    expect(await sam.page.getByTestId('revoke-other-sessions').count()).toBe(0);

    // Firefox learns it at once (its sockets close; the refresh is refused): back to the sign-in page.
    await otherPage.waitForURL(/\/login(\?|$)/, { timeout: 30_000 });
    // This browser goes on.
    await sam.page.reload();
    await expect.poll(() => sessions.count(), { timeout: 20_000 }).toBe(1);
    await other.close();
    await closeAll(sam);
  });
});
