/**
 * A group's picture and description: an admin sets both in group settings; another member,
 * with the chat open, sees the picture in the header and the chat list, the description in
 * the info panel (as plain text, its line break kept) and a line for each change.
 */
import { describe, expect, it } from 'vitest';
import { apiAs, browserPerFile, clickChatControl, closeAll, connected, shot, signedIn } from '../support/browser';
import { drawPng } from '../support/pictures';

const env = browserPerFile();

describe('group profile', () => {
  it("an admin's picture and description reach another member's header, list and info panel, with their lines", async () => {
    const ann = await signedIn(env.browser, 'ann', 'Ann');
    const bob = await signedIn(env.browser, 'bob', 'Bob');
    const { room } = await apiAs(ann).post<{ room: { id: string } }>('/api/groups', { name: 'Climbers', members: [bob.username] });
    for (const p of [ann, bob]) {
      await p.page.goto(`${env.baseUrl}/chat/${room.id}`);
      await connected(p.page);
    }
    const header = bob.page.locator('.chat__header');
    expect(await header.getByTestId('avatar-img').count()).toBe(0);

    await clickChatControl(ann.page, 'group-settings-link');
    await ann.page.getByTestId('group-settings').waitFor();
    const description = 'Meet at the wall, 7pm.\n<b>Bring chalk</b>';
    await ann.page.getByTestId('group-description-input').fill(description);
    await ann.page.getByTestId('group-description-save').click();
    await ann.page.getByTestId('group-picture-input').setInputFiles({ name: 'wall.png', mimeType: 'image/png', buffer: await drawPng(ann.page, 300, 200, 30) });

    // Bob's header picture, fetched with his token, and the same in his chat list.
    const picture = header.getByTestId('avatar-img');
    await picture.waitFor({ timeout: 15_000 });
    expect(await picture.getAttribute('src')).toMatch(/^blob:/);
    expect(await picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await bob.page.locator(`[data-testid=conversation-list] [data-avatar-id="${await picture.getAttribute('data-avatar-id')}"]`).first().waitFor();

    // The lines, in the order the changes were made.
    const lines = bob.page.locator('[data-testid=message][data-type=system]');
    await expect.poll(() => lines.allInnerTexts(), { timeout: 15_000 }).toEqual(
      expect.arrayContaining([expect.stringContaining('Ann changed the group picture')]),
    );
    const texts = (await lines.allInnerTexts()).filter((t) => t.includes('changed the group'));
    expect(texts.map((t) => t.replace(/\s*\d{1,2}:\d{2}.*$/s, ''))).toEqual(['Ann changed the group description', 'Ann changed the group picture']);

    // The description in his info panel: escaped text, its line break kept.
    await bob.page.getByTestId('chat-info-button').click();
    await bob.page.getByTestId('chat-info').waitFor();
    const shown = bob.page.getByTestId('chat-info-description');
    await expect.poll(() => shown.innerText()).toBe(description);
    expect(await shown.locator('b').count()).toBe(0);
    await shot(bob.page, 'group-profile-info');

    // Bob is not an admin: his group settings show the description, with nothing to change.
    await bob.page.getByTestId('info-group-settings').click();
    await bob.page.getByTestId('group-settings').waitFor();
    expect(await bob.page.getByTestId('group-description-input').inputValue()).toBe(description);
    expect(await bob.page.getByTestId('group-picture-change').count()).toBe(0);
    expect(await bob.page.getByTestId('group-description-save').count()).toBe(0);
    await closeAll(ann, bob);
  });
});

