/**
 * Blocking from the web app, and undoing it. In a direct chat the contact-info panel (ⓘ) blocks
 * the other person (two clicks); the chat stays open, says it is blocked in the composer's place
 * (nothing queued "for when connected", no offline banner), the header offers Unblock, and the
 * person blocked sees why they cannot write. Unblocking (from the chat or the account page's
 * blocked list) lets both write again. A stranger's direct chat shows their @username and no presence.
 */
import { describe, expect, it } from 'vitest';
import { e2eApi } from '../support/e2e';
import { allowConsoleErrors, apiAs, browserPerFile, closeAll, connected, exchangeMessages, send, shot, signedIn } from '../support/browser';

const env = browserPerFile();

describe('blocking', () => {
  it('blocks the other person from the contact-info panel; the chat says so instead of queueing, and Unblock undoes it', async () => {
    // The blocked side's ticket is refused while blocked (403), on purpose.
    allowConsoleErrors(/status of 403 .*\/ws-ticket$/);
    const [ann, pest] = await Promise.all([signedIn(env.browser, 'ann', 'Ann'), signedIn(env.browser, 'pest', 'Ann')]);
    const { room } = await apiAs(pest).post<{ room: { id: string } }>('/api/rooms/direct', { username: ann.username });
    await exchangeMessages([pest, ann], room.id);
    await Promise.all([ann, pest].map((p) => p.page.goto(`${env.baseUrl}/chat/${room.id}`)));
    await Promise.all([connected(ann.page), connected(pest.page)]);
    // Same display name as Ann's own: the header names the stranger by @username (and once both wrote, presence).
    await expect.poll(() => ann.page.getByTestId('chat-username').textContent(), { timeout: 15_000 }).toBe(` @${pest.username}`);
    // The header's control is contact info, not a bare "!": Block is inside it.
    expect(await ann.page.getByTestId('block-button').count()).toBe(0);
    await ann.page.getByTestId('chat-info-button').click();
    await ann.page.getByTestId('chat-info').waitFor();
    expect(await ann.page.getByTestId('chat-info-name').textContent()).toBe('Ann');
    await ann.page.getByTestId('block-button').click();
    await shot(ann.page, 'block-confirm');
    await ann.page.getByTestId('block-confirm').click();

    // Ann stays in the chat: the panel now offers Unblock, the composer gives way to an explanation.
    await ann.page.getByTestId('unblock-button').first().waitFor();
    await ann.page.getByTestId('blocked-notice').waitFor();
    expect(await ann.page.getByTestId('blocked-notice').textContent()).toContain(`You blocked @${pest.username}`);
    expect(await ann.page.getByTestId('composer-input').count()).toBe(0);
    expect(await ann.page.getByTestId('block-button').count()).toBe(0);
    // Not "offline": no connection banner, no stale presence, the subtitle says what it is.
    expect(await ann.page.getByTestId('connection-state').count()).toBe(0);
    expect(await ann.page.getByTestId('chat-subtitle').textContent()).toBe('Blocked');
    expect(await ann.page.locator('.chat__header [data-testid=presence-dot]').count()).toBe(0);
    await shot(ann.page, 'blocked-chat');

    // The person blocked is told too, live: no composer queueing "will send when connected".
    await pest.page.getByTestId('blocked-notice').waitFor({ timeout: 15_000 });
    expect(await pest.page.getByTestId('blocked-notice').textContent()).toContain(`@${ann.username} has blocked you`);
    expect(await pest.page.getByTestId('composer-input').count()).toBe(0);
    expect(await pest.page.getByTestId('connection-state').count()).toBe(0);
    expect(await pest.page.getByTestId('unblock-button').count()).toBe(0);

    const refused = await e2eApi().request('POST', '/api/rooms/direct', { username: ann.username }, pest.token);
    expect(refused.status).toBe(403);
    const blocked = await apiAs(ann).get<{ blocked: { username: string }[] }>('/api/blocks');
    expect(blocked.blocked.map((b) => b.username)).toEqual([pest.username]);

    // Reopened later, the chat still says it is blocked (the room refuses the ticket).
    await pest.page.reload();
    await pest.page.getByTestId('blocked-notice').waitFor({ timeout: 15_000 });

    // Unblock from the chat itself: the conversation is live again and a message goes through.
    await ann.page.getByTestId('blocked-notice').getByTestId('unblock-button').click();
    await connected(ann.page);
    expect((await apiAs(ann).get<{ blocked: unknown[] }>('/api/blocks')).blocked).toEqual([]);
    await ann.page.getByTestId('chat-info').getByTestId('block-button').waitFor();
    await send(ann.page, 'we are talking again');
    await expect.poll(() => ann.page.locator('[data-testid=message][data-seq]', { hasText: 'we are talking again' }).count(), { timeout: 15_000 }).toBe(1);
    expect(await ann.page.getByTestId('blocked-notice').count()).toBe(0);
    await closeAll(ann, pest);
  });

  it('lists the people I blocked on the account page, each with Unblock', async () => {
    const [kay, lou] = await Promise.all([signedIn(env.browser, 'kay', 'Kay'), e2eApi().register('lou')]);
    await kay.page.goto(`${env.baseUrl}/chat/account`);
    await kay.page.getByTestId('blocked-empty').waitFor();
    await e2eApi().json('PUT', `/api/blocks/${lou.username}`, undefined, kay.token, [204]);
    expect((await apiAs(kay).get<{ blocked: { username: string }[] }>('/api/blocks')).blocked.map((b) => b.username)).toEqual([lou.username]);
    await kay.page.reload();
    const row = kay.page.locator(`[data-testid=blocked-person][data-username="${lou.username}"]`);
    await row.waitFor({ timeout: 15_000 }).catch(async (err: unknown) => {
      await shot(kay.page, 'account-blocked-list-failed');
      throw err;
    });
    expect(await row.textContent()).toContain(`@${lou.username}`);
    await shot(kay.page, 'account-blocked-list');
    await row.getByTestId('blocked-unblock').click();
    await kay.page.getByTestId('blocked-empty').waitFor();
    expect((await apiAs(kay).get<{ blocked: unknown[] }>('/api/blocks')).blocked).toEqual([]);
    await closeAll(kay);
  });
});
