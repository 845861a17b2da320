/**
 * Media in a real browser, with R2's simulation and PostgreSQL behind it: files chosen go
 * through the preview-and-caption step (a file removed, a picture added, a caption) and the
 * pictures arrive as one album grid for both people; the viewer goes previous/next, zooms
 * (button, wheel, double-click), downloads, closes on Escape and gives focus back; the chat
 * info's "Media, files and links" lists the pictures (opening the viewer), the files and the links.
 */
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appInfo } from '../support/app';
import { drawPng } from '../support/pictures';
import { attachAndSend, closeAll, connected, launchBrowser, openDirectInUi, send, shot, signedIn, type Person } from '../support/browser';

let browser: Browser;
let baseUrl: string;
let alice: Person;
let bob: Person;

beforeAll(async () => {
  baseUrl = appInfo().baseUrl;
  browser = await launchBrowser();
});

afterAll(async () => {
  await closeAll(alice, bob);
  await browser?.close();
});

const albums = (p: Person) => p.page.locator('[data-testid=message][data-seq][data-album]');
const position = (p: Person) => p.page.getByTestId('image-viewer-position').textContent();
const zoom = (p: Person) => p.page.getByTestId('image-viewer-stage').getAttribute('data-zoom').then(Number);
const viewerName = (p: Person) => p.page.getByTestId('image-viewer-img').getAttribute('alt');

describe('media', () => {
  it('several files: preview, remove one, add one, caption, send → one album in both browsers; the viewer goes through it', async () => {
    alice = await signedIn(browser, 'alice', 'Alice');
    bob = await signedIn(browser, 'bob', 'Bob');
    const roomId = await openDirectInUi(alice, bob);
    await bob.page.goto(`${baseUrl}/chat/${roomId}`);
    await Promise.all([connected(alice.page), connected(bob.page)]);

    const pictures = [
      { name: 'wide.png', mimeType: 'image/png', buffer: await drawPng(alice.page, 1200, 400, 10) },
      { name: 'tall.png', mimeType: 'image/png', buffer: await drawPng(alice.page, 400, 1200, 90) },
      { name: 'square.png', mimeType: 'image/png', buffer: await drawPng(alice.page, 600, 600, 180) },
      { name: 'dusk.png', mimeType: 'image/png', buffer: await drawPng(alice.page, 800, 600, 270) },
    ];
    await alice.page.getByTestId('attach-input').setInputFiles([...pictures, { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture') }]);
    const dialog = alice.page.getByTestId('send-files-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('send-files-name').allTextContents()).toEqual(['wide.png', 'tall.png', 'square.png', 'dusk.png', 'notes.txt']);
    expect(await dialog.getByTestId('send-files-thumb').count()).toBe(4);
    // Thumbnails are cropped around the picture's middle: the wide one shows its centre.
    const fit = await dialog.getByTestId('send-files-thumb').first().evaluate((img) => {
      const style = getComputedStyle(img);
      return { fit: style.objectFit, position: style.objectPosition, width: img.clientWidth, height: img.clientHeight };
    });
    expect(fit).toEqual({ fit: 'cover', position: '50% 50%', width: 72, height: 72 });
    await shot(alice.page, 'media-send-files');

    // The text file goes, a fifth picture comes, a caption for them all.
    await dialog.getByRole('button', { name: 'Remove notes.txt' }).click();
    await dialog.getByTestId('send-files-add-input').setInputFiles({ name: 'late.png', mimeType: 'image/png', buffer: await drawPng(alice.page, 500, 500, 320) });
    await expect.poll(() => dialog.getByTestId('send-files-name').allTextContents()).toEqual(['wide.png', 'tall.png', 'square.png', 'dusk.png', 'late.png']);
    expect(await dialog.getByRole('heading').textContent()).toBe('Send 5 pictures');
    await dialog.getByTestId('send-files-caption').fill('Our trip, day one');
    await dialog.getByTestId('send-files').click();
    await dialog.waitFor({ state: 'detached' });
    // Focus is back in the composer.
    await expect.poll(() => alice.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('composer-input');

    // One album for both: four tiles, the last saying +1, the caption under it, no file.
    for (const p of [alice, bob]) {
      // The pictures arrive one by one: the grid grows until it holds all five.
      await expect.poll(() => albums(p).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-album'))), { timeout: 45_000 }).toEqual(['5']);
      const album = albums(p).first();
      expect(await album.getByTestId('album-tile').count()).toBe(4);
      expect(await album.getByTestId('album-more').textContent()).toBe('+1');
      expect(await album.getByTestId('message-text').textContent()).toBe('Our trip, day one');
      expect(await p.page.locator('[data-testid=message][data-seq][data-type=file]').count()).toBe(0);
    }
    await shot(bob.page, 'media-album');

    // The viewer: opened from the first tile, through the album by keys and buttons.
    const tiles = albums(bob).first().getByTestId('album-tile');
    await tiles.first().click();
    await bob.page.getByTestId('image-viewer').waitFor();
    expect(await bob.page.getByRole('dialog', { name: 'Picture: wide.png' }).count()).toBe(1);
    expect(await position(bob)).toBe('1 of 5');
    expect(await bob.page.getByTestId('image-viewer-prev').isDisabled()).toBe(true);
    await bob.page.keyboard.press('ArrowRight');
    await expect.poll(() => position(bob)).toBe('2 of 5');
    await expect.poll(() => viewerName(bob), { timeout: 20_000 }).toBe('tall.png');
    await bob.page.getByTestId('image-viewer-next').click();
    await expect.poll(() => position(bob)).toBe('3 of 5');
    await bob.page.keyboard.press('ArrowLeft');
    await expect.poll(() => position(bob)).toBe('2 of 5');
    await bob.page.getByTestId('image-viewer-prev').click();
    await expect.poll(() => position(bob)).toBe('1 of 5');

    // Zoom: the button, double-click back to fit, the wheel.
    await bob.page.getByTestId('image-viewer-img').waitFor({ timeout: 20_000 });
    expect(await zoom(bob)).toBe(1);
    await bob.page.getByTestId('image-viewer-zoom-in').click();
    await expect.poll(() => zoom(bob)).toBe(1.5);
    const width = () => bob.page.getByTestId('image-viewer-img').evaluate((img) => img.getBoundingClientRect().width);
    const stageWidth = await bob.page.getByTestId('image-viewer-stage').evaluate((el) => el.clientWidth);
    await expect.poll(width).toBeGreaterThan(stageWidth);
    await bob.page.getByTestId('image-viewer-img').dblclick();
    await expect.poll(() => zoom(bob)).toBe(1);
    await bob.page.getByTestId('image-viewer-stage').hover();
    await bob.page.mouse.wheel(0, -200);
    await expect.poll(() => zoom(bob)).toBeGreaterThan(1);
    await shot(bob.page, 'media-viewer-zoomed');

    // Download: a link with the picture's name, whose bytes are the picture's.
    const link = bob.page.getByTestId('image-viewer-download');
    expect(await link.getAttribute('download')).toBe('wide.png');
    const [download] = await Promise.all([bob.page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('wide.png');
    expect(fs.readFileSync((await download.path())!)).toEqual(pictures[0]!.buffer);

    // Escape closes it and gives focus back to the tile that opened it.
    await bob.page.keyboard.press('Escape');
    await expect.poll(() => bob.page.getByTestId('image-viewer').count()).toBe(0);
    await expect.poll(() => bob.page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Open picture wide.png, 1 of 5');

    // "+1" opens the fourth picture, with the fifth a step away.
    await tiles.nth(3).click();
    await expect.poll(() => position(bob)).toBe('4 of 5');
    await bob.page.keyboard.press('ArrowRight');
    await expect.poll(() => viewerName(bob), { timeout: 20_000 }).toBe('late.png');
    await bob.page.getByTestId('image-viewer-close').click();
    await expect.poll(() => bob.page.getByTestId('image-viewer').count()).toBe(0);
  });

  it('the chat info lists its pictures (opening the viewer), files and links', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n');
    await attachAndSend(alice.page, { name: 'Itinerary.pdf', mimeType: 'application/pdf', buffer: pdf });
    await send(alice.page, 'The hotel: https://example.com/hotel?night=2 and the map');
    await expect.poll(() => bob.page.locator('[data-testid=message][data-seq][data-type=file]').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => bob.page.locator('[data-testid=message][data-seq][data-type=text]').count(), { timeout: 30_000 }).toBe(1);

    await bob.page.getByTestId('chat-info-button').click();
    const panel = bob.page.getByTestId('media-panel');
    await panel.waitFor({ timeout: 20_000 });
    await expect.poll(() => panel.getByTestId('media-picture').count(), { timeout: 20_000 }).toBe(5);
    await shot(bob.page, 'media-tab-pictures');
    // Newest first: the last picture of the album leads; the viewer goes on to older ones.
    await panel.getByTestId('media-picture').first().click();
    await bob.page.getByTestId('image-viewer').waitFor();
    expect(await position(bob)).toBe('1 of 5');
    await expect.poll(() => viewerName(bob), { timeout: 20_000 }).toBe('late.png');
    await bob.page.keyboard.press('ArrowRight');
    await expect.poll(() => viewerName(bob), { timeout: 20_000 }).toBe('dusk.png');
    await bob.page.keyboard.press('Escape');
    await expect.poll(() => bob.page.getByTestId('image-viewer').count()).toBe(0);

    // The tabs move with the arrow keys.
    await panel.getByTestId('media-tab-pictures').focus();
    await bob.page.keyboard.press('ArrowRight');
    expect(await panel.getByTestId('media-tab-files').getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => panel.getByTestId('attachment-name').allTextContents(), { timeout: 20_000 }).toEqual(['Itinerary.pdf']);
    await panel.getByTestId('media-tab-links').click();
    await expect.poll(() => panel.getByTestId('media-link').locator('a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.getAttribute('rel')])), { timeout: 20_000 }).toEqual([
      ['https://example.com/hotel?night=2', 'noopener noreferrer nofollow'],
    ]);
    await shot(bob.page, 'media-tab-links');
  });
});
