/**
 * Secret chats in real browsers (docs/e2e.md): Ann starts one with Bob from "Start secret
 * chat"; both compare safety numbers and mark each other verified; they exchange text
 * and a picture, which each browser seals and opens itself; after a reload Bob reads the
 * history from his device's own store (the server holds only ciphertext: see
 * tests/e2e/secret-chats.test.ts).
 */
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { attachAndSend, browserPerFile, clickChatControl, closeAll, connected, send, shot, signedIn, type Person } from '../support/browser';

const run = browserPerFile();
let ann: Person;
let bob: Person;
afterAll(() => closeAll(ann, bob));

const secretTexts = (page: Page) => page.locator('[data-testid=message][data-seq][data-type=secret] [data-testid=message-text]').allTextContents();

async function drawPng(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 120;
    canvas.height = 80;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = 'hsl(200 70% 55%)';
    ctx.fillRect(0, 0, 120, 80);
    return canvas.toDataURL('image/png').split(',')[1]!;
  });
  return Buffer.from(base64, 'base64');
}

const imageLoaded = (page: Page) =>
  page.locator('[data-testid=secret-image]').last().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth === 120).catch(() => false);

describe('secret chats', () => {
  it('two people start one, verify safety numbers, exchange text and a picture, read it again after a reload, and search it on the device', async () => {
    [ann, bob] = await Promise.all([signedIn(run.browser, 'ann', 'Ann'), signedIn(run.browser, 'bob', 'Bob')]);

    await ann.page.getByTestId('new-secret-chat-button').click();
    await ann.page.getByTestId('secret-user-search').fill(bob.username);
    await ann.page.locator(`[data-testid=user-result][data-username="${bob.username}"]`).click();
    await ann.page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
    const roomId = ann.page.url().split('/').pop()!;
    await expect.poll(() => ann.page.getByTestId('secret-lock').count()).toBeGreaterThan(0);
    await connected(ann.page);

    // Bob opens it too: his browser makes and publishes its keys.
    await bob.page.goto(`${run.baseUrl}/chat/${roomId}`);
    await connected(bob.page);
    await expect.poll(() => bob.page.getByTestId('safety-number-button').isEnabled(), { timeout: 20_000 }).toBe(true);

    const numbers: string[] = [];
    const qrCodes: string[] = [];
    for (const p of [ann, bob]) {
      await p.page.reload();
      await expect.poll(() => p.page.getByTestId('safety-number-button').isEnabled(), { timeout: 20_000 }).toBe(true);
      await p.page.getByTestId('safety-number-button').click();
      numbers.push((await p.page.getByTestId('safety-number').textContent())!);
      // The same number as a QR code, drawn in the page (uqr), to compare or scan.
      expect(await p.page.getByTestId('safety-qr').getAttribute('aria-label')).toMatch(/^QR code of the safety number with /);
      qrCodes.push((await p.page.getByTestId('safety-qr').locator('path').getAttribute('d'))!);
      await shot(p.page, `secret-safety-number-${p.displayName.toLowerCase()}`);
      await p.page.getByTestId('safety-verify').click();
      await p.page.keyboard.press('Escape');
      await expect.poll(() => p.page.getByTestId('verified-badge').count()).toBe(1);
    }
    expect(numbers[0]).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(numbers[1]).toBe(numbers[0]);
    expect(qrCodes[0]).toMatch(/^M\d+ \d+h1v1h-1z/);
    expect(qrCodes[1]).toBe(qrCodes[0]);

    await connected(ann.page);
    await send(ann.page, 'Meet at noon, the usual place');
    await expect.poll(() => secretTexts(bob.page), { timeout: 20_000 }).toContain('Meet at noon, the usual place');
    await connected(bob.page);
    await send(bob.page, 'See you there');
    await expect.poll(() => secretTexts(ann.page), { timeout: 20_000 }).toContain('See you there');

    await attachAndSend(ann.page, { name: 'map.png', mimeType: 'image/png', buffer: await drawPng(ann.page) });
    await expect.poll(() => imageLoaded(bob.page), { timeout: 30_000 }).toBe(true);
    await shot(bob.page, 'secret-chat-bob');

    // The history comes back from this device's store: the server's copy is ciphertext.
    await bob.page.reload();
    await expect.poll(() => secretTexts(bob.page), { timeout: 20_000 }).toEqual(['Meet at noon, the usual place', 'See you there']);
    await expect.poll(() => imageLoaded(bob.page), { timeout: 30_000 }).toBe(true);
    // The badge follows the safety number, which is worked out again after the reload.
    await expect.poll(() => bob.page.getByTestId('verified-badge').count(), { timeout: 20_000 }).toBe(1);
    // The conversation list shows the lock and no text.
    const preview = await bob.page.locator(`[data-room-id="${roomId}"] .conversation__preview`).first().textContent();
    expect(preview).toContain('Encrypted message');

    // Search within the chat runs on the device over its own copy (the server has ciphertext):
    // a prefix finds Ann's message, with her name, and opens the chat there.
    await clickChatControl(bob.page, 'chat-search-button');
    await bob.page.getByTestId('search-on-device').waitFor();
    await bob.page.getByTestId('search-input').fill('usual pla');
    await expect.poll(() => bob.page.getByTestId('search-result').count(), { timeout: 15_000 }).toBe(1);
    const hit = bob.page.getByTestId('search-result');
    expect(await hit.locator('mark').allTextContents()).toEqual(['usual', 'place']);
    const seq = Number(await hit.getAttribute('data-seq'));
    await hit.click();
    await expect.poll(() => bob.page.evaluate(() => document.activeElement?.getAttribute('data-seq'))).toBe(String(seq));
    // Across all chats the server is asked, and it cannot read secret messages.
    await clickChatControl(bob.page, 'chat-search-button');
    await bob.page.getByTestId('search-scope-all').click();
    await bob.page.getByTestId('search-input').fill('usual');
    await bob.page.getByText('No messages match').waitFor({ timeout: 15_000 });
  });
});
