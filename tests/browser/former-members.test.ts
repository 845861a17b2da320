/**
 * People who are no longer in a group: the lines about them keep their display name, and
 * someone removed or who left keeps the history up to that moment, read-only.
 */
import { describe, expect, it } from 'vitest';
import { e2eApi } from '../support/e2e';
import { apiAs, closeAll, browserPerFile, connected, send, signedIn, texts } from '../support/browser';

const env = browserPerFile();

const systemLines = (page: import('playwright-core').Page) => page.locator('[data-testid=message][data-type=system]').allTextContents();

describe('former members', () => {
  it('the lines about someone who left or was removed name them by display name', async () => {
    const ann = await signedIn(env.browser, 'ann', 'Ann Lee');
    const bob = await signedIn(env.browser, 'bob', 'Bob Stone');
    const cat = await signedIn(env.browser, 'cat', 'Cat | Power');
    const { room } = await apiAs(ann).post<{ room: { id: string } }>('/api/groups', { name: 'Leavers', members: [bob.username, cat.username] });
    await e2eApi().json('POST', `/api/groups/${room.id}/leave`, {}, bob.token, [204]);
    await e2eApi().json('DELETE', `/api/groups/${room.id}/members/${cat.id}`, undefined, ann.token);
    await ann.page.goto(`${env.baseUrl}/chat/${room.id}`);
    await connected(ann.page);
    await expect.poll(() => systemLines(ann.page), { timeout: 15_000 }).toEqual([
      expect.stringMatching(/^Bob Stone left/),
      expect.stringMatching(/^You removed Cat ¦ Power/),
    ]);
    await closeAll(ann, bob, cat);
  });

  it('removed: the history up to then, read-only, "You were removed"; left: listed until deleted', async () => {
    const ann = await signedIn(env.browser, 'ann', 'Ann Lee');
    const ben = await signedIn(env.browser, 'ben', 'Ben Hale');
    const cat = await signedIn(env.browser, 'cat', 'Cat Ray');
    const { room } = await apiAs(ann).post<{ room: { id: string } }>('/api/groups', { name: 'Trip', members: [ben.username, cat.username] });
    for (const p of [ann, ben, cat]) {
      await p.page.goto(`${env.baseUrl}/chat/${room.id}`);
      await connected(p.page);
    }
    await send(ann.page, 'before');
    await expect.poll(() => texts(ben.page)).toEqual(['before']);

    // Removed while looking at it: the chat stays, read-only, with what was said until then.
    await e2eApi().json('DELETE', `/api/groups/${room.id}/members/${ben.id}`, undefined, ann.token);
    const notice = ben.page.getByTestId('former-notice');
    await expect.poll(() => notice.getAttribute('data-reason'), { timeout: 15_000 }).toBe('removed');
    expect(await notice.textContent()).toContain('You were removed from this group.');
    expect(await ben.page.getByTestId('composer-input').count()).toBe(0);
    expect(await ben.page.getByTestId('chat-subtitle').textContent()).toBe('You were removed');
    await send(ann.page, 'after');
    await expect.poll(() => texts(cat.page)).toEqual(['before', 'after']);
    // Reloaded: still listed and readable, still nothing from after.
    await ben.page.reload();
    await ben.page.getByTestId('former-notice').waitFor({ timeout: 15_000 });
    await expect.poll(() => systemLines(ben.page)).toContainEqual(expect.stringMatching(/^Ann Lee removed you/));
    expect(await texts(ben.page)).toEqual(['before']);
    expect(await ben.page.locator(`[data-testid=conversation-item][data-room-id="${room.id}"]`).count()).toBe(1);

    // Leaving through the group's settings: the chat stays listed as "You left" until deleted.
    await cat.page.goto(`${env.baseUrl}/chat/${room.id}/settings`);
    await cat.page.getByTestId('leave-group').click();
    await cat.page.getByTestId('confirm-leave').click();
    await expect.poll(() => cat.page.getByTestId('former-notice').getAttribute('data-reason'), { timeout: 15_000 }).toBe('left');
    expect(await texts(cat.page)).toEqual(['before', 'after']);
    const catItem = cat.page.locator(`[data-testid=conversation-item][data-room-id="${room.id}"]`);
    expect(await catItem.count()).toBe(1);
    await cat.page.getByTestId('former-delete').click();
    await cat.page.getByTestId('former-delete-confirm').click();
    await cat.page.waitForURL(`${env.baseUrl}/chat`);
    await expect.poll(() => catItem.count()).toBe(0);
    // Gone on the server too: not in the list any device loads.
    expect((await apiAs(cat).get<{ rooms: { id: string }[] }>('/api/rooms')).rooms.map((r) => r.id)).not.toContain(room.id);
    await closeAll(ann, ben, cat);
  });
});
