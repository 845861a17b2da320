/**
 * The Calls screen (/chat/calls) in a real browser: reached from the sidebar, it lists a missed
 * call and a completed one as I saw them (newest first, missed in red ink), opens the chat from
 * the keyboard, is axe-clean in light and dark, and "Call back" rings the other person with the
 * same kind of call (and is disabled while I am in one). The calls themselves are driven over
 * the people's own API sockets; the call back runs in the browsers with fake media.
 */
import { describe, expect, it } from 'vitest';
import { appInfo } from '../support/app';
import { apiAs, browserPerFile, closeAll, connected, exchangeMessages, settled, shot, signedIn, type Person } from '../support/browser';
import { connectAs, e2eApi } from '../support/e2e';
import { seriousAxeViolations } from '../support/axe';
import { answeredCall, unansweredCall } from '../support/call-steps';

const files = browserPerFile();
const api = e2eApi();
const asUser = (p: Person) => ({ ...p, cookie: '' });
const rows = (p: Person) => p.page.getByTestId('call-history-item');

describe('the Calls screen', () => {
  it('lists a missed and a completed call, opens the chat, and calls back', async () => {
    const [ann, ben] = await Promise.all([
      signedIn(files.browser, 'ann', 'Ann', { bypassCSP: true }),
      signedIn(files.browser, 'ben', 'Ben'),
    ]);
    const { room } = await apiAs(ann).post<{ room: { id: string } }>('/api/rooms/direct', { username: ben.username });
    await exchangeMessages([ann, ben], room.id);

    // Ben rings Ann for a video call and gives up (missed); then Ann calls Ben, who answers (completed).
    const a = await connectAs(api, asUser(ann), room.id);
    const b = await connectAs(api, asUser(ben), room.id);
    const missed = await unansweredCall(b, a, 'video');
    const answered = await answeredCall(a, b, 'voice');
    await Promise.all([a.close(), b.close()]);

    // Both pages load after the calls (their inboxes then know each other online).
    const baseUrl = appInfo().baseUrl;
    await ann.page.goto(`${baseUrl}/chat/${room.id}`);
    await connected(ann.page);
    await ben.page.goto(`${baseUrl}/chat`);
    await ben.page.getByTestId('me-name').waitFor();
    await expect.poll(() => ann.page.getByTestId('chat-subtitle').textContent(), { timeout: 15_000 }).toBe('online');

    await ann.page.getByRole('link', { name: 'Calls', exact: true }).click();
    await ann.page.waitForURL('**/chat/calls');
    await expect.poll(() => rows(ann).count(), { timeout: 20_000 }).toBe(2);
    const [completed, missedRow] = [rows(ann).nth(0), rows(ann).nth(1)];
    expect(await completed.getAttribute('data-call-id')).toBe(answered);
    expect(await completed.getByTestId('call-history-kind').textContent()).toBe('Outgoing voice call');
    expect(await completed.getByTestId('call-history-outcome').textContent()).toMatch(/^0:\d\d$/);
    expect(await missedRow.getAttribute('data-call-id')).toBe(missed);
    expect(await missedRow.getByTestId('call-history-kind').textContent()).toBe('Incoming video call');
    expect(await missedRow.getByTestId('call-history-outcome').textContent()).toBe('Missed');
    expect(await missedRow.locator('.call-row__outcome--missed').count()).toBe(1);
    expect(await missedRow.textContent()).toContain('Ben');
    await expect.poll(() => missedRow.getByRole('button', { name: 'Call back Ben (video call)' }).isEnabled()).toBe(true);

    // axe: no serious or critical violation, in light and in dark.
    for (const scheme of ['light', 'dark'] as const) {
      await ann.page.emulateMedia({ colorScheme: scheme });
      await settled(ann.page);
      await shot(ann.page, `calls-screen-${scheme}`);
      expect(await seriousAxeViolations(ann.page, `calls-${scheme}`)).toEqual([]);
    }

    // Keyboard: a row opens its chat.
    await completed.getByTestId('call-history-open').focus();
    await ann.page.keyboard.press('Enter');
    await ann.page.waitForURL(`**/chat/${room.id}`);
    await ann.page.goBack();
    await ann.page.waitForURL('**/chat/calls');

    // Call back the missed video call: Ben's phone rings for a video call.
    await rows(ann).nth(1).getByTestId('call-back').click();
    await ann.page.waitForURL(`**/chat/${room.id}`);
    await ben.page.getByTestId('incoming-call').waitFor({ timeout: 20_000 });
    expect(await ben.page.getByTestId('incoming-call').getAttribute('data-media')).toBe('video');
    // While it rings, no second call from the Calls screen (under the call's full-screen dialog).
    await ann.page.getByTestId('calls-button').dispatchEvent('click');
    await expect.poll(() => rows(ann).count(), { timeout: 20_000 }).toBe(3);
    for (const button of await ann.page.getByTestId('call-back').all()) expect(await button.isDisabled()).toBe(true);
    await ann.page.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => ben.page.getByTestId('incoming-call').count(), { timeout: 20_000 }).toBe(0);
    await closeAll(ann, ben);
  });
});
