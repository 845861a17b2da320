/**
 * Pictures, files, voice notes and profile pictures in a real browser, with the app's
 * R2 simulation and PostgreSQL behind it: a picture sent with its browser-made thumbnail,
 * previewed and opened in the viewer; a file downloaded with its name and bytes; paste and
 * drop; an upload cancelled, and one that survives a dropped connection; a voice note
 * recorded (Chromium's fake microphone) and played in a group of three on phones; a new
 * profile picture seen by the others. Screenshots go to test-results/screenshots.
 */
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appInfo } from '../support/app';
import { drawPng } from '../support/pictures';
import { attachAndSend, allowConsoleErrors, apiAs, closeAll, connected, launchBrowser, openDirectInUi, shot, signedIn, type Person } from '../support/browser';

let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  baseUrl = appInfo().baseUrl;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

const messages = (p: Person, type: string) => p.page.locator(`[data-testid=message][data-seq][data-type=${type}]`);

/** Whether the newest picture of that type has loaded (a decoded image, not a broken one). */
const loaded = (p: Person, selector: string) =>
  p.page.locator(selector).last().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0).catch(() => false);

/** Files dispatched as a paste or a drop on an element, the way a browser does it. */
async function dispatchFiles(page: Page, selector: string, event: 'paste' | 'drop', name: string, type: string, text: string) {
  await page.locator(selector).evaluate(
    (el, { event, name, type, text }) => {
      const data = new DataTransfer();
      data.items.add(new File([text], name, { type }));
      if (event === 'paste') {
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      } else {
        el.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
        el.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      }
    },
    { event, name, type, text },
  );
}

describe('attachments', () => {
  it('two people: a picture with preview and viewer, a file downloaded, paste and drop, cancel, and an upload that survives a dropped connection', async () => {
    allowConsoleErrors(/^Failed to load resource: net::ERR_INTERNET_DISCONNECTED /); // taken offline on purpose
    const alice = await signedIn(browser, 'alice', 'Alice');
    const bob = await signedIn(browser, 'bob', 'Bob');
    const roomId = await openDirectInUi(alice, bob);
    await bob.page.goto(`${baseUrl}/chat/${roomId}`);
    await Promise.all([connected(alice.page), connected(bob.page)]);

    // A picture: previewed from its thumbnail, opened full size in the viewer.
    const png = await drawPng(alice.page, 1200, 800, 200);
    await attachAndSend(alice.page, { name: 'beach.png', mimeType: 'image/png', buffer: png });
    await expect.poll(() => messages(bob, 'image').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => loaded(bob, '[data-testid=attachment-preview]'), { timeout: 20_000 }).toBe(true);
    const thumbWidth = await bob.page.getByTestId('attachment-preview').evaluate((img: HTMLImageElement) => img.naturalWidth);
    expect(thumbWidth).toBe(480);
    await shot(bob.page, 'attachments-image-bubble');
    await bob.page.getByTestId('attachment-image').click();
    await bob.page.getByTestId('image-viewer').waitFor();
    await expect.poll(() => loaded(bob, '[data-testid=image-viewer-img]'), { timeout: 20_000 }).toBe(true);
    expect(await bob.page.getByTestId('image-viewer-img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1200);
    expect(await bob.page.getByRole('dialog', { name: 'Picture: beach.png' }).count()).toBe(1);
    await shot(bob.page, 'attachments-image-viewer');
    await bob.page.keyboard.press('Escape');
    await expect.poll(() => bob.page.getByTestId('image-viewer').count()).toBe(0);
    await expect.poll(() => bob.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('attachment-image');

    // A file: name, size and type; the download has its name and bytes.
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n');
    await attachAndSend(alice.page, { name: 'Quarterly report.pdf', mimeType: 'application/pdf', buffer: pdf });
    await expect.poll(() => messages(bob, 'file').count(), { timeout: 30_000 }).toBe(1);
    const card = messages(bob, 'file').last();
    expect(await card.getByTestId('attachment-name').textContent()).toBe('Quarterly report.pdf');
    expect(await card.getByTestId('attachment-meta').textContent()).toBe(`${pdf.byteLength} B · PDF`);
    const [download] = await Promise.all([bob.page.waitForEvent('download'), card.getByTestId('attachment-download').click()]);
    expect(download.suggestedFilename()).toBe('Quarterly report.pdf');
    expect(fs.readFileSync((await download.path())!)).toEqual(pdf);
    await shot(bob.page, 'attachments-file');

    // Paste into the box, drop onto the composer.
    await dispatchFiles(alice.page, '[data-testid=composer-input]', 'paste', 'pasted.txt', 'text/plain', 'pasted text file');
    await dispatchFiles(alice.page, '[data-testid=composer]', 'drop', 'dropped.txt', 'text/plain', 'dropped text file');
    // Both wait in one preview step, in the order they came, and go out together.
    await expect.poll(() => alice.page.getByTestId('send-files-name').allTextContents()).toEqual(['pasted.txt', 'dropped.txt']);
    await alice.page.getByTestId('send-files').click();
    await expect.poll(() => messages(bob, 'file').locator('[data-testid=attachment-name]').allTextContents(), { timeout: 30_000 }).toEqual([
      'Quarterly report.pdf',
      'pasted.txt',
      'dropped.txt',
    ]);

    // A slow upload shows its progress and can be cancelled: nothing reaches Bob.
    const cdp = await alice.ctx.newCDPSession(alice.page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
    const big = Buffer.alloc(4 * 1024 * 1024, 'a');
    await attachAndSend(alice.page, { name: 'big.txt', mimeType: 'text/plain', buffer: big });
    await alice.page.getByTestId('upload-progress').waitFor();
    await expect.poll(() => alice.page.getByTestId('upload-progress').getAttribute('value').then(Number), { timeout: 20_000 }).toBeGreaterThan(0);
    await shot(alice.page, 'attachments-upload-progress');
    await alice.page.getByTestId('upload-cancel').click();
    await expect.poll(() => alice.page.locator('[data-pending=true]').count()).toBe(0);

    // The connection drops mid-upload: the upload starts again by itself when it is back.
    await attachAndSend(alice.page, { name: 'resilient.txt', mimeType: 'text/plain', buffer: Buffer.alloc(1024 * 1024, 'b') });
    await alice.page.getByTestId('upload-progress').waitFor();
    await alice.ctx.setOffline(true);
    await cdp.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await alice.page.waitForTimeout(1500);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await alice.ctx.setOffline(false);
    await expect.poll(() => messages(bob, 'file').locator('[data-testid=attachment-name]').allTextContents(), { timeout: 45_000 }).toEqual([
      'Quarterly report.pdf',
      'pasted.txt',
      'dropped.txt',
      'resilient.txt',
    ]);
    expect(await messages(bob, 'file').last().getByTestId('attachment-meta').textContent()).toBe('1 MB · Text');
    // Exactly once, in order, for both.
    const order = (p: Person) => p.page.locator('[data-testid=message][data-seq]').evaluateAll((els) => els.map((e) => e.getAttribute('data-type')));
    await expect.poll(() => order(alice), { timeout: 20_000 }).toEqual(['image', 'file', 'file', 'file', 'file']);
    expect(await order(bob)).toEqual(['image', 'file', 'file', 'file', 'file']);
    await closeAll(alice, bob);
  });

  it('three people, two on phones: a picture and a voice note in a group; a new profile picture appears live for the others', async () => {
    const ann = await signedIn(browser, 'ann', 'Ann', { mobile: true });
    const ben = await signedIn(browser, 'ben', 'Ben', { mobile: true });
    const cat = await signedIn(browser, 'cat', 'Cat');
    const { room } = await apiAs(ann).post<{ room: { id: string } }>('/api/groups', { name: 'Voice club', members: [ben.username, cat.username] });
    for (const p of [ann, ben, cat]) await p.page.goto(`${baseUrl}/chat/${room.id}`);
    await Promise.all([ann, ben, cat].map((p) => connected(p.page)));

    // A picture on a phone: preview, then the viewer filling the screen.
    const png = await drawPng(ann.page, 900, 1200, 120);
    await attachAndSend(ann.page, { name: 'portrait.png', mimeType: 'image/png', buffer: png });
    for (const p of [ben, cat]) await expect.poll(() => loaded(p, '[data-testid=attachment-preview]'), { timeout: 30_000 }).toBe(true);
    await ben.page.getByTestId('attachment-image').click();
    await expect.poll(() => loaded(ben, '[data-testid=image-viewer-img]'), { timeout: 20_000 }).toBe(true);
    const box = await ben.page.getByTestId('image-viewer-img').boundingBox();
    expect(box!.width).toBeLessThanOrEqual(390);
    await shot(ben.page, 'attachments-image-viewer-phone');
    await ben.page.getByTestId('image-viewer-close').click();
    await expect.poll(() => ben.page.getByTestId('image-viewer').count()).toBe(0);

    // A voice note, recorded with the fake microphone, played by the others.
    await ann.page.getByTestId('voice-button').click();
    await ann.page.getByTestId('voice-recorder').waitFor();
    await expect.poll(() => ann.page.getByTestId('voice-elapsed').textContent(), { timeout: 10_000 }).toBe('0:02');
    await shot(ann.page, 'attachments-voice-recording-phone');
    await ann.page.getByTestId('voice-send').click();
    for (const p of [ben, cat]) await expect.poll(() => messages(p, 'voice').count(), { timeout: 30_000 }).toBe(1);
    for (const p of [ben, cat]) {
      const audio = p.page.getByTestId('voice-audio');
      await audio.waitFor({ timeout: 20_000 });
      // Played until half a second of it has gone by (timeupdate events), however slowly the machine plays it.
      const played = await audio.evaluate(async (el: HTMLAudioElement) => {
        await el.play();
        await new Promise<void>((resolve) => {
          const check = () => (el.currentTime > 0.5 || el.error || el.ended) && resolve();
          el.addEventListener('timeupdate', check);
          el.addEventListener('ended', check);
          el.addEventListener('error', check);
          check();
        });
        return { time: el.currentTime, error: el.error?.message ?? null };
      });
      expect(played.error).toBeNull();
      expect(played.time).toBeGreaterThan(0.5);
    }
    await shot(ben.page, 'attachments-voice-phone');

    // Ben has a direct chat with Ann open, Cat the group's members: both see Ann's new picture without reloading.
    const direct = await apiAs(ben).post<{ room: { id: string } }>('/api/rooms/direct', { username: ann.username });
    await ben.page.goto(`${baseUrl}/chat/${direct.room.id}`);
    await connected(ben.page);
    await cat.page.getByTestId('group-settings-link').click();
    await cat.page.getByTestId('group-settings').waitFor();
    await ann.page.goto(`${baseUrl}/chat`);
    await ann.page.getByTestId('profile-button').click();
    await ann.page.getByTestId('profile-dialog').waitFor();
    const face = await drawPng(ann.page, 800, 600, 30);
    await ann.page.getByTestId('avatar-input').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: face });
    const dialogAvatar = ann.page.getByTestId('profile-dialog').getByTestId('avatar-img');
    await expect.poll(() => dialogAvatar.count(), { timeout: 20_000 }).toBe(1);
    await ann.page.getByTestId('profile-name').fill('Ann Avatar');
    await ann.page.getByTestId('profile-save').click();
    await expect.poll(() => ann.page.getByTestId('me-name').textContent(), { timeout: 10_000 }).toBe('Ann Avatar');
    await shot(ann.page, 'profile-dialog-phone');
    const avatarId = await dialogAvatar.getAttribute('data-avatar-id');
    expect(avatarId).toMatch(/^[0-9a-f-]{36}$/);
    const size = await dialogAvatar.evaluate(async (img: HTMLImageElement) => (await img.decode(), [img.naturalWidth, img.naturalHeight]));
    expect(size).toEqual([256, 256]);
    await ann.page.getByTestId('profile-close').click();

    const annAvatar = `[data-testid=avatar-img][data-avatar-id="${avatarId}"]`;
    await expect.poll(() => loaded(ben, `[data-testid=chat-window] ${annAvatar}`), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => ben.page.getByTestId('chat-window').getByText('Ann Avatar').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await shot(ben.page, 'profile-avatar-in-header-phone');
    await expect.poll(() => loaded(cat, `[data-testid=group-settings] ${annAvatar}`), { timeout: 20_000 }).toBe(true);
    await shot(cat.page, 'profile-avatar-in-members');
    // And in Ben's conversation list.
    await ben.page.goto(`${baseUrl}/chat`);
    await expect.poll(() => loaded(ben, annAvatar), { timeout: 20_000 }).toBe(true);
    await shot(ben.page, 'profile-avatar-in-list-phone');
    await closeAll(ann, ben, cat);
  });
});
