/**
 * Deleting an account from the web app (issue 12), three people, real Postgres. Bob is the
 * admin of a group with Ann (added first) and Cat, and has a direct chat with Ann; he wrote in
 * both. On his phone he deletes his account from the account page: a wrong password first
 * (an error, nothing deleted), then for real. He lands on the login page told why, nothing of
 * his is left on the device, and his old sign-in fails. Ann's open direct chat turns into
 * "Deleted user" at once (the room's `members` frame) and stays so after a reload: no
 * @username, presence, call or block button, and a notice instead of the composer. In the
 * group his message is from "Deleted user", he is neither counted, listed nor offered as a
 * mention, and Ann is admin. His old username can be registered again, by someone new.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eApi } from '../support/e2e';
import { allowConsoleErrors, apiAs, browserPerFile, closeAll, connected, exchangeMessages, shot, signedIn } from '../support/browser';

interface ListedRoom {
  id: string;
  members: { userId: string; displayName: string; deleted?: boolean }[];
}

const env = browserPerFile();

/** Keys of the app's localStorage that mention `userId` (offline store, drafts, outbox). */
const storedFor = (page: Page, userId: string) =>
  page.evaluate((id) => Object.keys(localStorage).filter((k) => k.startsWith('edge-chat:') && k.includes(id)), userId);

/** What Ann must see in her direct chat with Bob once his account is gone. */
async function expectDeletedDirectChat(page: Page, roomId: string, bobUsername: string) {
  await expect.poll(() => page.getByTestId('chat-title').textContent(), { timeout: 15_000 }).toBe('Deleted user');
  await expect.poll(() => page.getByTestId('read-only-notice').textContent()).toBe('This account was deleted. You can still read this conversation.');
  expect(await page.getByTestId('read-only-notice').getAttribute('role')).toBe('status');
  expect(await page.getByTestId('chat-subtitle').textContent()).toBe('');
  for (const gone of ['chat-username', 'composer-input', 'call-voice-button', 'call-video-button', 'block-button']) {
    expect(await page.getByTestId(gone).count(), gone).toBe(0);
  }
  expect(await page.locator('.chat__header [data-testid=presence-dot]').count()).toBe(0);
  // The history stays, with no reply button where nothing can be sent.
  await page.locator('[data-testid=message][data-seq]', { hasText: 'Hello from Bob' }).waitFor();
  expect(await page.getByTestId('reply-button').count()).toBe(0);
  // The list says the same, with no presence dot.
  const item = page.locator(`[data-testid=conversation-item][data-room-id="${roomId}"]`);
  // The title's own text, before its visually hidden details.
  await expect.poll(() => item.locator('.conversation__title').evaluate((el) => el.firstChild?.textContent)).toBe('Deleted user');
  expect(await item.getByTestId('presence-dot').count()).toBe(0);
  // Neither his old username nor the placeholder that replaced it, anywhere on the page.
  const text = await page.locator('body').innerText();
  expect(text).not.toContain('deleted-');
  expect(text).not.toContain(bobUsername);
}

describe('deleting my account', () => {
  it('from the account page (phone): a wrong password deletes nothing; then signed out with a notice, and the others see "Deleted user" live', async () => {
    // On purpose: the wrong password (403), then signing in to the deleted account (401).
    // And Bob's own list request racing the deletion (his session is gone: 401, then signed out).
    allowConsoleErrors(/status of 403 .*\/api\/account$/, /status of 401 .*\/api\/auth\/login$/, /status of 401 .*\/api\/rooms$/);
    const ann = await signedIn(env.browser, 'ann', 'Ann');
    const bob = await signedIn(env.browser, 'bob', 'Bob', { mobile: true });
    const cat = await e2eApi().register('cat');
    // Ann joins before Cat: after Bob she is the longest-standing member, the next admin.
    const { room: group } = await apiAs(bob).post<{ room: { id: string } }>('/api/groups', { name: 'Climbing', members: [ann.username] });
    await apiAs(bob).post(`/api/groups/${group.id}/members`, { username: cat.username });
    const { room: direct } = await apiAs(bob).post<{ room: { id: string } }>('/api/rooms/direct', { username: ann.username });
    await exchangeMessages([bob, ann], direct.id);
    await exchangeMessages([bob], group.id);

    // Bob leaves a draft in the direct chat: the device now keeps something of his.
    await bob.page.goto(`${env.baseUrl}/chat/${direct.id}`);
    await connected(bob.page);
    await bob.page.getByTestId('composer-input').fill('a draft that is never sent');
    await expect.poll(() => storedFor(bob.page, bob.id)).toContain(`edge-chat:draft:${bob.id}:${direct.id}`);

    // Ann has the direct chat open: Bob, online, with call buttons and contact info (where Block is).
    await ann.page.goto(`${env.baseUrl}/chat/${direct.id}`);
    await connected(ann.page);
    await expect.poll(() => ann.page.getByTestId('chat-subtitle').textContent(), { timeout: 15_000 }).toBe('online');
    await expect.poll(() => ann.page.getByTestId('chat-username').textContent()).toBe(` @${bob.username}`);
    expect(await ann.page.getByTestId('call-voice-button').count()).toBe(1);
    expect(await ann.page.getByTestId('chat-info-button').count()).toBe(1);
    expect(await ann.page.getByTestId('reply-button').count()).toBeGreaterThan(0);

    await bob.page.goto(`${env.baseUrl}/chat/account`);
    await bob.page.getByTestId('delete-account-section').waitFor();
    expect(await bob.page.getByTestId('delete-account-section').textContent()).toContain('This cannot be undone.');
    const password = bob.page.getByTestId('delete-account-password');
    const ask = bob.page.getByTestId('delete-account');
    expect(await ask.isDisabled()).toBe(true);

    // Escape backs out of the confirmation, focus back on the button.
    await password.fill(bob.password);
    await ask.click();
    await bob.page.getByTestId('confirm-delete-account').waitFor();
    await bob.page.keyboard.press('Escape');
    await expect.poll(() => bob.page.getByTestId('delete-account-confirmation').count()).toBe(0);
    await expect.poll(() => bob.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('delete-account');

    // A wrong password: the error, the password field focused, and nothing deleted.
    await password.fill('not my password');
    await ask.click();
    await bob.page.getByTestId('confirm-delete-account').click();
    await expect.poll(() => bob.page.getByTestId('delete-account-error').textContent()).toBe('The password is wrong.');
    await expect.poll(() => bob.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('delete-account-password');
    expect(await bob.page.getByTestId('delete-account-confirmation').count()).toBe(0);
    const stillThere = await e2eApi().request('POST', '/api/auth/login', { login: bob.username, password: bob.password });
    expect(stillThere.status).toBe(200);
    expect(await ann.page.getByTestId('chat-title').textContent()).toContain('Bob');
    expect(await ann.page.getByTestId('composer-input').count()).toBe(1);

    // For real.
    await password.fill(bob.password);
    await ask.click();
    await bob.page.getByTestId('confirm-delete-account').waitFor();
    await shot(bob.page, 'account-delete-confirm-phone');
    await bob.page.getByTestId('confirm-delete-account').click();
    await bob.page.waitForURL(/\/login/, { timeout: 15_000 });
    const notice = bob.page.getByTestId('signed-out-notice');
    await expect.poll(() => notice.textContent()).toBe('Your account was deleted.');
    expect(await notice.getAttribute('role')).toBe('status');
    // Not greeted as a returning user, and nothing of his kept on the device.
    expect(await bob.page.locator('h1').textContent()).toBe('Sign in');
    expect(await storedFor(bob.page, bob.id)).toEqual([]);
    expect(await bob.page.evaluate(() => localStorage.getItem('edge-chat:last-user'))).toBeNull();
    await shot(bob.page, 'account-deleted-login-phone');

    // His old sign-in no longer works.
    await bob.page.getByLabel('Username or email').fill(bob.username);
    await bob.page.getByLabel('Password', { exact: true }).fill(bob.password);
    await bob.page.getByTestId('login-submit').click();
    await expect.poll(() => bob.page.getByTestId('form-error').textContent()).toBe('Wrong username or password.');

    // Ann's open chat changed by itself, and is the same after a reload.
    await expectDeletedDirectChat(ann.page, direct.id, bob.username);
    await shot(ann.page, 'account-deleted-direct');
    await ann.page.reload();
    await connected(ann.page);
    await expectDeletedDirectChat(ann.page, direct.id, bob.username);

    // The group: his message is from "Deleted user"; two members; Ann is admin.
    await ann.page.goto(`${env.baseUrl}/chat/${group.id}`);
    await connected(ann.page);
    const his = ann.page.locator('[data-testid=message][data-seq]', { hasText: 'Hello from Bob' });
    await expect.poll(() => his.locator('.msg__sender').textContent(), { timeout: 15_000 }).toBe('Deleted user');
    await expect.poll(() => ann.page.getByTestId('chat-subtitle').textContent()).toMatch(/^2 members/);
    await ann.page.getByTestId('group-settings-link').click();
    await ann.page.getByTestId('group-settings').waitFor();
    await expect.poll(() => ann.page.locator('#members-title').textContent()).toBe('2 members');
    const members = ann.page.getByTestId('member');
    expect(await members.evaluateAll((els) => els.map((el) => [el.getAttribute('data-username'), el.getAttribute('data-role')]))).toEqual([
      [ann.username, 'admin'],
      [cat.username, 'member'],
    ]);
    await shot(ann.page, 'account-deleted-group-settings');
    await ann.page.keyboard.press('Escape');
    await ann.page.getByTestId('group-settings').waitFor({ state: 'detached' });

    // Mentions offer Cat only: not the deleted account, by its name or its placeholder.
    const input = ann.page.getByTestId('composer-input');
    await input.fill('');
    await input.pressSequentially('@', { delay: 20 });
    await expect
      .poll(() => ann.page.getByTestId('mention-option').evaluateAll((els) => els.map((el) => el.getAttribute('data-username'))))
      .toEqual([cat.username]);
    await input.pressSequentially('de', { delay: 20 });
    await expect.poll(() => ann.page.getByTestId('mention-option').count()).toBe(0);
    expect(await ann.page.locator('body').innerText()).not.toContain('deleted-');

    // His username is free: someone new registers it (same e-mail address too), and is not him.
    await bob.page.getByRole('link', { name: 'Create an account' }).click();
    await bob.page.getByLabel('Username', { exact: true }).fill(bob.username);
    await bob.page.getByLabel('Display name (optional)').fill('New Bob');
    await bob.page.getByLabel('Email').fill(`${bob.username}@example.test`);
    await bob.page.getByLabel('Password', { exact: true }).fill('another long passphrase');
    await bob.page.getByTestId('register-submit').click();
    await bob.page.waitForURL('**/chat', { timeout: 15_000 });
    await expect.poll(() => bob.page.getByTestId('me-name').textContent()).toBe('New Bob');
    await bob.page.getByText('No conversations yet.').waitFor();
    const { rooms } = await apiAs(ann).get<{ rooms: ListedRoom[] }>('/api/rooms');
    const dm = rooms.find((r) => r.id === direct.id)!;
    expect(dm.members.find((m) => m.userId !== ann.id)).toMatchObject({ userId: bob.id, displayName: 'Deleted user', deleted: true });

    await closeAll(ann, bob);
  }, 180_000);
});
