/**
 * Link previews in the browser: typing a link shows its preview above the box (fetched by
 * the Worker from a local test site), the sender can remove it, and a sent preview shows in
 * both people's bubbles with the page's text escaped and the picture loaded from the app,
 * while neither browser ever contacts the linked site itself. On a phone, in dark mode too.
 */
import type { Browser, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { appInfo } from '../support/app';
import { closeAll, connected, launchBrowser, openDirectInUi, shot, signedIn } from '../support/browser';
import { startPreviewSite, type PreviewSite } from '../support/preview-site';

let browser: Browser;
let site: PreviewSite;

beforeAll(async () => {
  browser = await launchBrowser();
  site = await startPreviewSite(inject('linkPreviewPorts')[1]!);
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe('link previews', () => {
  it('previews a link while composing, can remove it, and shows the sent preview escaped to both people without their browsers fetching the site', async () => {
    const { baseUrl } = appInfo();
    const alice = await signedIn(browser, 'alice', 'Alice');
    const bob = await signedIn(browser, 'bob', 'Bob', { mobile: true, dark: true });
    const roomId = await openDirectInUi(alice, bob);
    await bob.page.goto(`${baseUrl}/chat/${roomId}`);
    await Promise.all([connected(alice.page), connected(bob.page)]);
    const toSite: string[] = [];
    const watch = (r: Request) => r.url().startsWith(site.origin) && toSite.push(r.url());
    alice.ctx.on('request', watch);
    bob.ctx.on('request', watch);

    // Composing: the preview appears above the box; removing it sends the message without one.
    const input = alice.page.getByTestId('composer-input');
    const first = `${site.origin}/plain?first`;
    await input.fill(`first ${first}`);
    const card = alice.page.getByTestId('composer-link-preview-card');
    await expect.poll(() => card.locator('[data-testid=link-preview-title]').textContent().catch(() => null), { timeout: 15_000 }).toBe('Only a title');
    await alice.page.getByTestId('remove-link-preview').click();
    await expect.poll(() => alice.page.getByTestId('composer-link-preview').count()).toBe(0);
    await expect.poll(() => alice.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('composer-input');
    await input.press('Enter');
    const bobsFirst = bob.page.locator('[data-testid=message][data-seq]', { hasText: 'first' });
    await bobsFirst.waitFor();
    expect(await bobsFirst.getByTestId('link-preview').count()).toBe(0);

    // Kept: the preview goes with the message.
    const article = `${site.origin}/article?second`;
    await input.fill(`have a look: ${article}`);
    await card.locator('[data-testid=link-preview-title]').waitFor({ timeout: 15_000 });
    await shot(alice.page, 'link-preview-composer');
    await input.press('Enter');
    const bobsCard = bob.page.locator('[data-testid=message][data-seq]', { hasText: 'have a look' }).getByTestId('link-preview');
    await bobsCard.waitFor();
    // The page's text is shown as text: its "<b>" and "<img onerror>" never become elements.
    expect(await bobsCard.getByTestId('link-preview-title').textContent()).toBe('Rock & Roll <b>history</b>');
    expect(await bobsCard.getByTestId('link-preview-description').textContent()).toBe('<img src=x onerror=alert(1)> All about guitars.');
    expect(await bobsCard.locator('b, img[src=x]').count()).toBe(0);
    expect(await bobsCard.getAttribute('href')).toBe(article);
    expect(await bobsCard.getAttribute('rel')).toContain('noopener');
    // The picture is the app's copy (a blob of the Worker's bytes), loaded and decoded.
    const image = bobsCard.getByTestId('link-preview-image');
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0).catch(() => false)).toBe(true);
    expect(await image.getAttribute('src')).toMatch(/^blob:/);
    await shot(bob.page, 'link-preview-bubble-phone-dark');
    const alicesCard = alice.page.locator('[data-testid=message][data-seq]', { hasText: 'have a look' }).getByTestId('link-preview');
    await alicesCard.waitFor();

    expect(toSite, 'no browser contacted the linked site').toEqual([]);
    expect(site.requests.some((p) => p.startsWith('/article?second'))).toBe(true);
    await closeAll(alice, bob);
  });
});
