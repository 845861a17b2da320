/**
 * The open chat's header on a phone (390×844): the title and status are never squeezed (the
 * calls, search, mute and group settings move into the chat-info panel), and that panel offers
 * them all. On a desktop they stay in the header.
 */
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiAs, browserPerFile, closeAll, connected, exchangeMessages, shot, signedIn } from '../support/browser';

const env = browserPerFile();

/** Shown whole: not cut by an ellipsis (its text fits its box), and not a sliver either. */
const readable = (el: Locator) =>
  el.evaluate((node: HTMLElement) => ({ fits: node.scrollWidth <= node.clientWidth, width: node.clientWidth, text: node.innerText }));

describe('chat header on a phone', () => {
  it("shows a direct chat's name and status whole, with the secondary controls in the chat-info panel", async () => {
    const ann = await signedIn(env.browser, 'ann', 'Ann', { mobile: true });
    const bob = await signedIn(env.browser, 'bob', 'Annabelle Whitfield');
    const { room } = await apiAs(ann).post<{ room: { id: string } }>('/api/rooms/direct', { username: bob.username });
    await exchangeMessages([ann, bob], room.id);
    await bob.page.goto(`${env.baseUrl}/chat/${room.id}`);
    await connected(bob.page);
    await ann.page.goto(`${env.baseUrl}/chat/${room.id}`);
    await connected(ann.page);
    await expect.poll(() => ann.page.getByTestId('chat-subtitle').textContent(), { timeout: 15_000 }).toBe('online');
    await shot(ann.page, 'header-phone-direct');

    const title = await readable(ann.page.getByTestId('chat-title'));
    expect(title).toMatchObject({ fits: true, text: 'Annabelle Whitfield' });
    expect(await readable(ann.page.getByTestId('chat-subtitle'))).toMatchObject({ fits: true, text: 'online' });
    for (const id of ['call-voice-button', 'call-video-button', 'chat-search-button', 'mute-button']) {
      expect(await ann.page.getByTestId(id).isVisible(), id).toBe(false);
    }

    await ann.page.getByTestId('chat-info-button').click();
    const info = ann.page.getByTestId('chat-info');
    await info.waitFor();
    for (const id of ['info-call-voice', 'info-call-video', 'info-search', 'mute-button', 'block-button']) {
      expect(await info.getByTestId(id).isVisible(), id).toBe(true);
    }
    expect(await info.textContent()).toContain(`@${bob.username}`);
    await shot(ann.page, 'header-phone-info');
    // Search from the panel searches this chat.
    await info.getByTestId('info-search').click();
    expect(await ann.page.getByTestId('search-scope-room').getAttribute('aria-pressed')).toBe('true');

    // A desktop keeps them in the header.
    await bob.page.getByTestId('call-voice-button').waitFor();
    expect(await bob.page.getByTestId('chat-search-button').isVisible()).toBe(true);
    await closeAll(ann, bob);
  });

  it("shows a group's title whole, with group settings in the panel", async () => {
    const ann = await signedIn(env.browser, 'ann', 'Ann', { mobile: true });
    const bob = await signedIn(env.browser, 'bob', 'Bob');
    const { room } = await apiAs(ann).post<{ room: { id: string } }>('/api/groups', { name: 'Trip planning', members: [bob.username] });
    await ann.page.goto(`${env.baseUrl}/chat/${room.id}`);
    await connected(ann.page);
    await expect.poll(() => ann.page.getByTestId('chat-title').textContent()).toBe('Trip planning');
    expect(await readable(ann.page.getByTestId('chat-title'))).toMatchObject({ fits: true });
    expect(await readable(ann.page.getByTestId('chat-subtitle'))).toMatchObject({ fits: true });
    expect(await ann.page.getByTestId('group-settings-link').isVisible()).toBe(false);
    await shot(ann.page, 'header-phone-group');
    await ann.page.getByTestId('chat-info-button').click();
    await ann.page.getByTestId('info-group-settings').click();
    await ann.page.getByTestId('group-settings').waitFor();
    await closeAll(ann, bob);
  });
});
