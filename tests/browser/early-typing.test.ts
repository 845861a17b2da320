/**
 * Text typed into a sign-in form before the page's scripts have run (a slow phone, a busy
 * machine) is kept: the form works with it once the page comes to life, instead of showing
 * the text beside a button that stays disabled.
 */
import { describe, expect, it } from 'vitest';
import { browserPerFile } from '../support/browser';

const env = browserPerFile();

describe('typing before the page is interactive', () => {
  it('keeps an address typed into the forgotten-password form before hydration', async () => {
    const ctx = await env.browser.newContext();
    const page = await ctx.newPage();
    // Hold the app's scripts back until the address is typed into the server-rendered form.
    let release!: () => void;
    const typed = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/assets/**/*.js', async (route) => {
      await typed;
      await route.continue();
    });
    await page.goto(`${env.baseUrl}/forgot-password`, { waitUntil: 'domcontentloaded' });
    await page.getByLabel('Email', { exact: true }).fill('early@example.com');
    expect(await page.getByTestId('forgot-submit').isDisabled()).toBe(true); // not alive yet
    release();
    await expect.poll(() => page.getByTestId('forgot-submit').isEnabled(), { timeout: 30_000 }).toBe(true);
    expect(await page.getByLabel('Email', { exact: true }).inputValue()).toBe('early@example.com');
    await page.getByTestId('forgot-submit').click();
    await page.getByTestId('reset-requested').waitFor({ timeout: 30_000 });
    await ctx.close();
  });
});
