/**
 * Issue 21's composer emoji and message actions in a real browser: the emoji button's picker
 * (search, recents kept on the device, skin tones, keyboard), `:shortcode` autocomplete, and a
 * message's "More actions": forward to several chats (a picture too, copied into the chat),
 * copy text, pin (the pinned bar, live for the other person), star (live in my other tab; the
 * starred list, which opens the chat at the message), and
 * delete for me (gone for me after a reload, still there for the other person).
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appInfo } from '../support/app';
import { attachAndSend, apiAs, browserPerFile, closeAll, connected, send, shot, signedIn, type Person } from '../support/browser';

const files = browserPerFile();

const messageWith = (page: Page, text: string) => page.locator('[data-testid=message][data-seq]', { hasText: text });

/** A 1×1 PNG: a picture the browser decodes. */
const PIXEL_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** Opens a message's "More actions" menu (hover shows the actions on a desktop, a tap on a phone). */
async function openMenu(page: Page, which: string | Locator, phone = false) {
  const message = typeof which === 'string' ? messageWith(page, which) : which;
  await message.waitFor({ timeout: 15_000 });
  if (phone) await message.getByTestId('message-bubble').click();
  else await message.hover();
  await message.getByTestId('message-more').click();
  await page.getByTestId('message-menu').waitFor();
  return message;
}

describe('composer emoji', () => {
  it('inserts from a searchable picker with recents and skin tones, by mouse and keyboard, and completes :shortcodes', async () => {
    const ann = await signedIn(files.browser, 'ann', 'Ann Emoji');
    const ben = await signedIn(files.browser, 'ben', 'Ben Emoji');
    const { room } = await apiAs(ann).post<{ room: { id: string } }>('/api/rooms/direct', { username: ben.username });
    await ann.page.goto(`${appInfo().baseUrl}/chat/${room.id}`);
    await connected(ann.page);
    const page = ann.page;
    const input = page.getByTestId('composer-input');
    // No recents yet on this device.
    expect(await page.evaluate(() => localStorage.getItem('edge-chat:emoji-recents'))).toBeNull();

    await input.fill('Launch ');
    await page.getByTestId('emoji-button').click();
    await page.getByTestId('emoji-picker').waitFor();
    expect(await page.getByTestId('emoji-recents').count()).toBe(0);
    await page.getByTestId('emoji-search').fill('rock');
    await page.locator('[data-testid=emoji-option][data-emoji="🚀"]').click();
    expect(await input.inputValue()).toBe('Launch 🚀');

    // A skin tone applies to hands, and is remembered.
    await page.getByTestId('emoji-search').fill('thumbs');
    await page.locator('[data-testid=skin-tone][data-tone="4"]').click();
    expect(await page.locator('[data-testid=skin-tone][data-tone="4"]').getAttribute('aria-pressed')).toBe('true');
    await page.locator('[data-testid=emoji-option][data-emoji="👍🏾"]').click();
    expect(await input.inputValue()).toBe('Launch 🚀👍🏾');
    await shot(page, 'composer-emoji-picker');

    // Escape closes it and gives the text box the focus back.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('emoji-picker').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('composer-input');

    // Recents survive a reload (kept per device), newest first.
    await page.reload();
    await connected(page);
    await page.getByTestId('composer-input').fill('');
    await page.getByTestId('emoji-button').click();
    const recents = page.getByTestId('emoji-recents').locator('[data-testid=emoji-option]');
    await recents.first().waitFor();
    expect(await recents.evaluateAll((els) => els.map((el) => el.getAttribute('data-emoji')))).toEqual(['👍🏾', '🚀']);

    // Keyboard only: into the grid from the search, right by one, pick with Enter.
    await page.getByTestId('emoji-search').fill('heart');
    await page.getByTestId('emoji-search').press('ArrowDown');
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-emoji'));
    const first = await focused();
    await page.keyboard.press('ArrowRight');
    const second = await focused();
    expect(second).not.toBe(first);
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('composer-input').inputValue()).toBe(second);
    await page.keyboard.press('Escape');

    // :shortcode autocomplete: arrows move, Enter picks; Escape closes; Tab picks too.
    const box = page.getByTestId('composer-input');
    await box.fill('');
    await box.pressSequentially('ok :thu', { delay: 15 });
    const options = page.getByTestId('shortcode-option');
    await options.first().waitFor();
    expect(await options.evaluateAll((els) => els.map((el) => el.getAttribute('data-emoji')))).toEqual(['👍', '👎']);
    await shot(page, 'shortcode-autocomplete');
    await box.press('ArrowDown');
    await box.press('ArrowDown');
    expect(await page.locator('[data-testid=shortcode-suggestions] [aria-selected=true] [data-testid=shortcode-option]').getAttribute('data-emoji')).toBe('👍');
    await box.press('Enter');
    // My skin tone is used for hands here too; nothing was sent.
    expect(await box.inputValue()).toBe('ok 👍🏾');
    expect(await page.locator('[data-testid=message][data-seq]').count()).toBe(0);
    await box.pressSequentially(' :hea', { delay: 15 });
    await options.first().waitFor();
    await box.press('Escape');
    await expect.poll(() => options.count()).toBe(0);
    expect(await box.inputValue()).toBe('ok 👍🏾 :hea');
    await box.pressSequentially(' :fir', { delay: 15 });
    await options.first().waitFor();
    await box.press('Tab');
    expect(await box.inputValue()).toBe('ok 👍🏾 :hea 🔥');
    await box.press('Enter');
    await messageWith(page, 'ok 👍🏾 :hea 🔥').waitFor({ timeout: 15_000 });
    await closeAll(ann, ben);
  });
});

describe('message actions', () => {
  it('forwards to several chats, copies, pins live for the other person, stars and deletes for me', async () => {
    const ann = await signedIn(files.browser, 'ann', 'Ann Actions');
    const ben = await signedIn(files.browser, 'ben', 'Ben Phone', { mobile: true });
    const cat = await signedIn(files.browser, 'cat', 'Cat Third');
    const { room: direct } = await apiAs(ann).post<{ room: { id: string } }>('/api/rooms/direct', { username: ben.username });
    const { room: withCat } = await apiAs(ann).post<{ room: { id: string } }>('/api/rooms/direct', { username: cat.username });
    const { room: group } = await apiAs(ann).post<{ room: { id: string } }>('/api/groups', { name: 'Trip', members: [ben.username, cat.username] });
    await ann.ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: appInfo().baseUrl });

    await ben.page.goto(`${appInfo().baseUrl}/chat/${direct.id}`);
    await connected(ben.page);
    await send(ben.page, 'Gate B12, boarding 7:40');
    await send(ben.page, 'bring the passports');
    await send(ben.page, 'and snacks');
    await ann.page.goto(`${appInfo().baseUrl}/chat/${direct.id}`);
    await connected(ann.page);

    // Forward one message to two chats.
    await openMenu(ann.page, 'Gate B12');
    await shot(ann.page, 'message-menu');
    await ann.page.getByTestId('message-action-forward').click();
    const dialog = ann.page.getByTestId('forward-dialog');
    await dialog.waitFor();
    await dialog.locator(`[data-testid=forward-choice][data-room-id="${withCat.id}"]`).check();
    await dialog.locator(`[data-testid=forward-choice][data-room-id="${group.id}"]`).check();
    await shot(ann.page, 'forward-dialog');
    await dialog.getByTestId('forward-send').click();
    await expect.poll(() => ann.page.getByTestId('action-notice').textContent()).toBe('Forwarded to 2 chats.');
    await expect.poll(() => dialog.count()).toBe(0);
    for (const roomId of [withCat.id, group.id]) {
      const { messages } = await apiAs(cat).get<{ messages: { content: string; senderId: string; forwarded?: true }[] }>(`/api/rooms/${roomId}/messages`);
      expect(messages.map((m) => [m.content, m.senderId, m.forwarded])).toEqual([['Gate B12, boarding 7:40', ann.id, true]]);
    }
    await cat.page.goto(`${appInfo().baseUrl}/chat/${group.id}`);
    await connected(cat.page);
    await messageWith(cat.page, 'Gate B12').getByTestId('forwarded-label').waitFor({ timeout: 15_000 });

    // Copy text.
    await openMenu(ann.page, 'bring the passports');
    await ann.page.getByTestId('message-action-copy').click();
    await expect.poll(() => ann.page.evaluate(() => navigator.clipboard.readText())).toBe('bring the passports');

    // Pin: the bar shows it for both at once, with the line "… pinned a message".
    await openMenu(ann.page, 'bring the passports');
    await ann.page.getByTestId('message-action-pin').click();
    for (const p of [ann, ben]) {
      await expect.poll(() => p.page.getByTestId('pinned-text').textContent(), { timeout: 15_000 }).toBe('bring the passports');
    }
    await expect.poll(() => ben.page.locator('[data-testid=message][data-type=system]').last().textContent()).toContain('Ann Actions pinned a message');
    await shot(ben.page, 'pinned-bar-phone');
    // The line leads to the message too.
    await ben.page.getByTestId('system-jump').click();
    await expect.poll(() => messageWith(ben.page, 'bring the passports').getAttribute('class')).toContain('msg--highlight');
    await expect.poll(() => messageWith(ben.page, 'bring the passports').getAttribute('class'), { timeout: 10_000 }).not.toContain('msg--highlight');
    // Clicking the bar jumps to the message.
    await ben.page.getByTestId('pinned-bar-jump').click();
    await expect.poll(() => messageWith(ben.page, 'bring the passports').getAttribute('class')).toContain('msg--highlight');

    // Star: marked, at once in Ann's other tab too, and listed in the starred panel, which opens the chat at the message.
    const annOtherTab = await ann.ctx.newPage();
    await annOtherTab.goto(`${appInfo().baseUrl}/chat/${direct.id}`);
    await connected(annOtherTab);
    await messageWith(annOtherTab, 'and snacks').waitFor({ timeout: 15_000 });
    await openMenu(ann.page, 'and snacks');
    await ann.page.getByTestId('message-action-star').click();
    await messageWith(ann.page, 'and snacks').getByTestId('starred-mark').waitFor();
    await messageWith(annOtherTab, 'and snacks').getByTestId('starred-mark').waitFor({ timeout: 15_000 });
    await annOtherTab.close();
    await ann.page.goto(`${appInfo().baseUrl}/chat/${group.id}`);
    await connected(ann.page);
    await ann.page.getByTestId('starred-button').click();
    const item = ann.page.getByTestId('starred-item');
    await expect.poll(() => item.count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => item.textContent(), { timeout: 15_000 }).toContain('and snacks');
    await shot(ann.page, 'starred-panel');
    await item.click();
    await ann.page.waitForURL(`**/chat/${direct.id}**`);
    await expect.poll(() => messageWith(ann.page, 'and snacks').getAttribute('class'), { timeout: 15_000 }).toContain('msg--highlight');
    // Ben starred nothing.
    expect((await apiAs(ben).get<{ starred: unknown[] }>('/api/starred')).starred).toEqual([]);

    // Unpin from the bar: gone for both.
    await ann.page.getByTestId('pinned-bar-unpin').click();
    for (const p of [ann, ben]) await expect.poll(() => p.page.getByTestId('pinned-bar').count(), { timeout: 15_000 }).toBe(0);

    // Delete for me: gone for Ann, after a reload too; Ben still has it.
    await openMenu(ann.page, 'Gate B12');
    await ann.page.getByTestId('message-action-hide').click();
    await expect.poll(() => messageWith(ann.page, 'Gate B12').count()).toBe(0);
    await ann.page.reload();
    await connected(ann.page);
    await messageWith(ann.page, 'and snacks').waitFor({ timeout: 15_000 });
    expect(await messageWith(ann.page, 'Gate B12').count()).toBe(0);
    expect(await messageWith(ben.page, 'Gate B12').count()).toBe(1);

    // A picture forwards too: the chat with Cat gets a copy of its own, which Cat's browser shows.
    await attachAndSend(ann.page, { name: 'boarding-pass.png', mimeType: 'image/png', buffer: PIXEL_PNG });
    const picture = ann.page.locator('[data-testid=message][data-seq][data-type=image]');
    await expect.poll(() => picture.count(), { timeout: 30_000 }).toBe(1);
    await openMenu(ann.page, picture);
    await ann.page.getByTestId('message-action-forward').click();
    await dialog.waitFor();
    await dialog.locator(`[data-testid=forward-choice][data-room-id="${withCat.id}"]`).check();
    await dialog.getByTestId('forward-send').click();
    await expect.poll(() => ann.page.getByTestId('action-notice').textContent(), { timeout: 30_000 }).toBe('Forwarded to 1 chat.');
    await cat.page.goto(`${appInfo().baseUrl}/chat/${withCat.id}`);
    await connected(cat.page);
    const copy = cat.page.locator('[data-testid=message][data-seq][data-type=image]');
    await copy.getByTestId('forwarded-label').waitFor({ timeout: 15_000 });
    const shown = () =>
      copy.locator('[data-testid=attachment-preview]').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0).catch(() => false);
    await expect.poll(shown, { timeout: 20_000 }).toBe(true);
    const { messages: catSees } = await apiAs(cat).get<{ messages: { type: string; forwarded?: true; attachment?: { name: string } }[] }>(
      `/api/rooms/${withCat.id}/messages`,
    );
    expect(catSees.map((m) => [m.type, m.forwarded, m.attachment?.name])).toEqual([['image', true, 'boarding-pass.png'], ['text', true, undefined]]);
    await shot(cat.page, 'forwarded-picture');
    await closeAll(ann, ben, cat);
  });

  it('in a group, offers pinning to admins only', async () => {
    const admin = await signedIn(files.browser, 'adm', 'Ada Admin');
    const member: Person = await signedIn(files.browser, 'mem', 'Max Member');
    const { room } = await apiAs(admin).post<{ room: { id: string } }>('/api/groups', { name: 'Rules', members: [member.username] });
    await member.page.goto(`${appInfo().baseUrl}/chat/${room.id}`);
    await connected(member.page);
    await send(member.page, 'who pins this?');
    await openMenu(member.page, 'who pins this?');
    expect(await member.page.getByTestId('message-action-pin').count()).toBe(0);
    expect(await member.page.getByTestId('message-action-star').count()).toBe(1);
    await closeAll(admin, member);
  });
});
