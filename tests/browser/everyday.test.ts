/**
 * Issue 12's everyday features in a real browser: message search (highlighted matches, jump to a
 * message far back with its context, this chat or all, people by display name), Markdown and
 * @mentions with autocomplete, muting a chat (stored server-side), desktop notifications and
 * Web Audio sounds while the tab is hidden, and an incoming call's ringtone.
 *
 * The page's Notification is wrapped to record what was shown, `document.visibilityState` is
 * made switchable (a headless tab is always "visible"), and oscillators are counted: the app
 * itself has no test hooks for any of it.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appInfo } from '../support/app';
import type { TestUser } from '../support/api';
import { allowConsoleErrors, apiAs, clickChatControl, closeAll, connected, exchangeMessages, browserPerFile, send, shot, signedIn, type Person, type PersonOptions } from '../support/browser';
import { connectAs, e2eApi } from '../support/e2e';
import type { TestSocket } from '../support/ws-client';

const files = browserPerFile();

/** Records notifications, counts oscillators, and lets the test hide the tab. */
const probes: PersonOptions['initScripts'] = [
  () => {
    const w = window as unknown as { __notes: { title: string; body?: string }[]; __tones: number; __hidden: boolean };
    w.__notes = [];
    w.__tones = 0;
    w.__hidden = false;
    const Real = window.Notification;
    if (Real) {
      window.Notification = new Proxy(Real, {
        construct(target, args: [string, NotificationOptions?]) {
          w.__notes.push({ title: args[0], body: args[1]?.body });
          return Reflect.construct(target, args);
        },
      });
    }
    const create = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      w.__tones += 1;
      return create.call(this);
    };
    Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (w.__hidden ? 'hidden' : 'visible') });
    Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => w.__hidden });
  },
];

const hide = (p: Person, hidden = true) =>
  p.page.evaluate((h) => {
    (window as unknown as { __hidden: boolean }).__hidden = h;
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
const notes = (p: Person) => p.page.evaluate(() => (window as unknown as { __notes: { title: string; body?: string }[] }).__notes);
const tones = (p: Person) => p.page.evaluate(() => (window as unknown as { __tones: number }).__tones);

async function person(prefix: string, name: string, options: PersonOptions & { notify?: boolean } = {}) {
  const p = await signedIn(files.browser, prefix, name, { ...options, initScripts: probes });
  if (options.notify) await p.ctx.grantPermissions(['notifications'], { origin: appInfo().baseUrl });
  await p.page.getByTestId('me-name').waitFor();
  return p;
}

const asUser = (p: Person): TestUser => ({ id: p.id, username: p.username, password: p.password, token: p.token, cookie: '' });

/** Sends through a plain socket, one at a time, waiting out the room's rate limit when it says so. */
async function sendAll(socket: TestSocket, lines: string[]) {
  for (const [i, content] of lines.entries()) {
    const clientId = `bulk-${i}-${Math.random().toString(36).slice(2)}`;
    for (;;) {
      socket.send({ type: 'send', clientId, content });
      const frame = await socket.inbox.nextOf(['ack', 'error'], 20_000);
      if (frame.type === 'ack') break;
      if (frame.code !== 'rate_limited') throw new Error(`send refused: ${frame.message}`);
      await new Promise((r) => setTimeout(r, frame.retryAfterMs ?? 500));
    }
  }
}

const inViewport = (page: Page, selector: string) =>
  page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) return false;
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  }, selector);

describe('search', () => {
  it('finds a message far back, highlights it as text and opens the chat there with its context (desktop and phone, three people)', async () => {
    const api = e2eApi();
    const ann = await person('ann', 'Ann Search');
    const ben = await person('ben', 'Ben Phone', { mobile: true });
    const carl = await api.register('carl');
    const { room } = await apiAs(ann).post<{ room: { id: string } }>('/api/groups', { name: 'Archive', members: [ben.username, carl.username] });
    const word = `quokka${Date.now().toString(36)}`;

    const carlSocket = await connectAs(api, carl, room.id);
    const annSocket = await connectAs(api, asUser(ann), room.id);
    await sendAll(carlSocket, [`The ${word} smiled <b>wide</b> at us`]);
    const filler = Array.from({ length: 130 }, (_, i) => `filler ${i}`);
    await Promise.all([sendAll(carlSocket, filler), sendAll(annSocket, filler)]);
    await sendAll(annSocket, [`another ${word.toUpperCase()} today`]);

    // Search reads Postgres, which the room writes behind: wait for the flush.
    await expect
      .poll(async () => (await apiAs(ann).get(`/api/search/messages?q=${word}`)).results.length, { timeout: 20_000 })
      .toBe(2);
    const hits = (await apiAs(ann).get(`/api/search/messages?q=${word}`)).results as { seq: number }[];
    const target = hits[1]!.seq;

    await ann.page.getByTestId('search-button').click();
    await ann.page.getByTestId('search-input').fill(word);
    await expect.poll(() => ann.page.getByTestId('search-result').count(), { timeout: 10_000 }).toBe(2);
    const first = ann.page.getByTestId('search-result').nth(1);
    expect(await first.locator('mark').allTextContents()).toEqual([word]);
    // Markup in a message is text in the snippet.
    expect(await first.getByTestId('search-snippet').textContent()).toContain('<b>wide</b>');
    expect(await first.locator('b').count()).toBe(0);
    expect(await ann.page.getByTestId('search-result').first().locator('mark').allTextContents()).toEqual([word.toUpperCase()]);
    await shot(ann.page, 'search-desktop');

    await first.click();
    await ann.page.waitForURL(`**/chat/${room.id}**`);
    await connected(ann.page);
    const targetSel = `[data-testid=message][data-seq="${target}"]`;
    await ann.page.locator(targetSel).waitFor({ timeout: 15_000 });
    await expect.poll(() => inViewport(ann.page, targetSel), { timeout: 5_000 }).toBe(true);
    expect(await ann.page.locator(`[data-testid=message][data-seq="${target + 1}"]`).count()).toBe(1);
    // Far back: a window around it, and a gap up to the newest messages that fills on demand.
    const gap = ann.page.getByTestId('history-gap');
    await expect.poll(() => gap.count()).toBe(1);
    await shot(ann.page, 'search-jump-desktop');
    // The list is virtualised (its rendered rows are bounded): the sign of the fill is the
    // message right after the last one above the gap, now loaded and rendered in its place.
    const below = await gap.evaluate((el) => {
      let row = el.previousElementSibling as HTMLElement | null;
      while (row && !row.dataset.seq) row = row.previousElementSibling as HTMLElement | null;
      return Number(row?.dataset.seq);
    });
    await gap.getByRole('button').click();
    await ann.page.locator(`[data-testid=message][data-seq="${below + 1}"]`).waitFor({ timeout: 15_000 });

    // People: by a word of the display name.
    await ann.page.getByTestId('search-button').click();
    await ann.page.getByTestId('search-input').fill('phone');
    await ann.page.locator(`[data-testid=search-person][data-username="${ben.username}"]`).waitFor({ timeout: 10_000 });
    await ann.page.getByTestId('search-close').click();

    // On a phone, within the chat.
    await ben.page.goto(`${appInfo().baseUrl}/chat/${room.id}`);
    await connected(ben.page);
    await clickChatControl(ben.page, 'chat-search-button');
    expect(await ben.page.getByTestId('search-scope-room').getAttribute('aria-pressed')).toBe('true');
    await ben.page.getByTestId('search-input').fill(`${word} -today`);
    await expect.poll(() => ben.page.getByTestId('search-result').count(), { timeout: 10_000 }).toBe(1);
    await shot(ben.page, 'search-mobile');
    await ben.page.getByTestId('search-result').click();
    await ben.page.locator(targetSel).waitFor({ timeout: 15_000 });
    await expect.poll(() => inViewport(ben.page, targetSel), { timeout: 5_000 }).toBe(true);
    await shot(ben.page, 'search-jump-mobile');
    await closeAll(ann, ben);
  });
});

describe('formatting, mentions, mute and notifications', () => {
  it('renders Markdown safely, autocompletes a mention that notifies even a muted member, and mute silences the rest', async () => {
    const cat = await person('cat', 'Cat Writer');
    const dan = await person('dan', 'Dan Muted', { notify: true });
    const eve = await person('eve', 'Eve Phone', { notify: true, mobile: true });
    const { room } = await apiAs(cat).post<{ room: { id: string } }>('/api/groups', { name: 'Team', members: [dan.username, eve.username] });
    const roomItem = (p: Person) => p.page.locator(`[data-testid=conversation-item][data-room-id="${room.id}"]`);
    await Promise.all([dan, eve].map((p) => roomItem(p).waitFor({ timeout: 20_000 })));

    // Dan mutes the group for an hour; it is stored on the server (it survives a reload).
    await roomItem(dan).click();
    await connected(dan.page);
    await dan.page.getByTestId('mute-button').click();
    await dan.page.getByTestId('mute-1h').click();
    await expect.poll(() => dan.page.getByTestId('mute-button').getAttribute('data-muted')).toBe('true');
    await dan.page.reload();
    await connected(dan.page);
    await expect.poll(() => dan.page.getByTestId('mute-button').getAttribute('data-muted'), { timeout: 10_000 }).toBe('true');
    await dan.page.goto(`${appInfo().baseUrl}/chat`);
    await roomItem(dan).waitFor();
    await hide(dan);
    await hide(eve);

    await cat.page.goto(`${appInfo().baseUrl}/chat/${room.id}`);
    await connected(cat.page);
    const input = cat.page.getByTestId('composer-input');
    await input.fill('**Hello** _team_ ~~old~~ `npm test` ask ');
    await input.pressSequentially('@da', { delay: 20 });
    const option = cat.page.locator(`[data-testid=mention-option][data-username="${dan.username}"]`);
    await option.waitFor();
    expect(await cat.page.getByTestId('mention-option').count()).toBe(1);
    await shot(cat.page, 'mention-autocomplete');
    await input.press('Enter');
    expect(await input.inputValue()).toBe(`**Hello** _team_ ~~old~~ \`npm test\` ask @${dan.username} `);
    await input.pressSequentially('see [docs](https://example.com/docs) [bad](javascript:alert(1))');
    await input.press('Enter');

    // After her first message, Cat is offered notifications (asked only if she says yes).
    await cat.page.getByTestId('notify-prompt').waitFor();
    await shot(cat.page, 'notify-prompt');
    await cat.page.getByTestId('notify-dismiss').click();
    expect(await cat.page.getByTestId('notify-prompt').count()).toBe(0);

    // Eve (not muted, tab hidden): a notification and a sound. Dan (muted): only because he is mentioned.
    await expect.poll(async () => (await notes(eve)).length, { timeout: 15_000 }).toBe(1);
    expect((await notes(eve))[0]!.title).toBe('Cat Writer in Team');
    expect(await tones(eve)).toBeGreaterThan(0);
    await expect.poll(async () => (await notes(dan)).length, { timeout: 15_000 }).toBe(1);
    expect((await notes(dan))[0]!.title).toBe('Cat Writer in Team mentioned you');
    await expect.poll(() => eve.page.title()).toMatch(/^\(1\) /);

    await send(cat.page, 'just a plain update');
    await expect.poll(async () => (await notes(eve)).length, { timeout: 15_000 }).toBe(2);
    const danTones = await tones(dan);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await notes(dan)).length).toBe(1);
    expect(await tones(dan)).toBe(danTones);
    // A muted chat's unread messages do not count in the tab title.
    expect(await dan.page.title()).not.toMatch(/^\(/);

    // What Dan sees: formatting as elements, his mention marked, the unsafe link as text.
    await hide(dan, false);
    await roomItem(dan).click();
    await connected(dan.page);
    const bubble = dan.page.locator('[data-testid=message][data-seq]', { hasText: 'Hello' });
    await bubble.waitFor({ timeout: 10_000 });
    expect(await bubble.locator('strong').textContent()).toBe('Hello');
    expect(await bubble.locator('em').textContent()).toBe('team');
    expect(await bubble.locator('del').textContent()).toBe('old');
    expect(await bubble.locator('code').textContent()).toBe('npm test');
    expect(await bubble.locator(`mark[data-username="${dan.username}"]`).count()).toBe(1);
    expect(await bubble.getAttribute('class')).toContain('msg--mentions-me');
    const links = bubble.locator('a');
    expect(await links.count()).toBe(1);
    expect(await links.getAttribute('href')).toBe('https://example.com/docs');
    expect(await links.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await links.getAttribute('target')).toBe('_blank');
    expect(await bubble.getByTestId('message-text').textContent()).toContain('[bad](javascript:alert(1))');
    await shot(dan.page, 'markdown-mention-desktop');

    await hide(eve, false);
    await roomItem(eve).click();
    await connected(eve.page);
    const eveBubble = eve.page.locator('[data-testid=message][data-seq]', { hasText: 'Hello' });
    await eveBubble.waitFor({ timeout: 10_000 });
    expect(await eveBubble.locator('span.mention').count()).toBe(1);
    expect(await eveBubble.locator('mark.mention').count()).toBe(0);
    await shot(eve.page, 'markdown-mobile');

    // Any emoji as a reaction, from the searchable picker; who reacted shows on hover (title) and long press.
    await eveBubble.getByTestId('message-bubble').click();
    await eveBubble.getByRole('button', { name: 'Add reaction' }).click();
    await eveBubble.getByTestId('reaction-more').click();
    await eve.page.getByTestId('emoji-search').fill('rock');
    await shot(eve.page, 'emoji-picker-mobile');
    await eve.page.locator('[data-testid=emoji-option][data-emoji="🚀"]').click();
    const rocket = bubble.locator('[data-testid=reaction][data-emoji="🚀"]');
    await rocket.waitFor({ timeout: 10_000 });
    expect(await rocket.getAttribute('title')).toBe('Eve Phone');
    const eveRocket = eveBubble.locator('[data-testid=reaction][data-emoji="🚀"]');
    await eveRocket.dispatchEvent('pointerdown', { pointerType: 'touch', isPrimary: true });
    await eveBubble.getByTestId('reaction-who').waitFor({ timeout: 3_000 });
    expect(await eveBubble.getByTestId('reaction-who').textContent()).toBe('🚀 You');
    // Shortcodes in the composer.
    await eve.page.getByTestId('composer-input').pressSequentially('great :tada:', { delay: 10 });
    expect(await eve.page.getByTestId('composer-input').inputValue()).toBe('great 🎉');
    await closeAll(cat, dan, eve);
  });

  it('an incoming call rings and shows a notification while the tab is hidden', async () => {
    const amy = await person('amy', 'Amy Caller');
    const bo = await person('bo', 'Bo Callee', { notify: true });
    const { room } = await apiAs(amy).post<{ room: { id: string } }>('/api/rooms/direct', { username: bo.username });
    // Presence (and so ringing) needs both to have written in the chat (docs/security.md).
    await exchangeMessages([amy, bo], room.id);
    await amy.page.goto(`${appInfo().baseUrl}/chat/${room.id}`);
    await connected(amy.page);
    await expect.poll(() => amy.page.getByTestId('chat-subtitle').textContent(), { timeout: 15_000 }).toBe('online');
    await hide(bo);
    const before = await tones(bo);
    await amy.page.getByTestId('call-voice-button').click();
    await bo.page.getByTestId('incoming-call').waitFor({ timeout: 15_000 });
    await expect.poll(async () => (await notes(bo)).map((n) => n.title), { timeout: 10_000 }).toEqual(['Amy Caller is calling']);
    expect(await tones(bo)).toBeGreaterThan(before);
    await amy.page.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => bo.page.getByTestId('incoming-call').count(), { timeout: 10_000 }).toBe(0);
    // The call record arrives as a message (one more notification, and its short sound); then
    // silence: the ring (a burst every 3 s) stopped.
    await expect.poll(async () => (await notes(bo)).length, { timeout: 10_000 }).toBe(2);
    expect((await notes(bo))[1]!.title).toBe('Amy Caller');
    await new Promise((r) => setTimeout(r, 500));
    const after = await tones(bo);
    await new Promise((r) => setTimeout(r, 3500));
    expect(await tones(bo)).toBe(after);
    await closeAll(amy, bo);
  });
});

describe('account', () => {
  it('lists where I am signed in, and changing the password signs out the other sessions', async () => {
    allowConsoleErrors(/status of 403 .*\/api\/account\/password$/); // a wrong current password, on purpose
    const kim = await person('kim', 'Kim Account', { mobile: true });
    // Another device: a second sign-in through the API.
    await e2eApi().json('POST', '/api/auth/login', { login: kim.username, password: kim.password });
    await kim.page.getByTestId('account-link').click();
    await kim.page.getByTestId('account-page').waitFor();
    await expect.poll(() => kim.page.getByTestId('session').count(), { timeout: 10_000 }).toBe(2);
    expect(await kim.page.locator('[data-testid=session][data-current=true]').count()).toBe(1);
    await kim.page.getByTestId('current-password').fill('not my password');
    await kim.page.getByTestId('new-password').fill('a brand new secret');
    await kim.page.getByTestId('change-password').click();
    await expect.poll(() => kim.page.getByTestId('account-error').textContent()).toContain('current password is wrong');
    await kim.page.getByTestId('current-password').fill(kim.password);
    await kim.page.getByTestId('change-password').click();
    await expect.poll(() => kim.page.getByTestId('password-changed').textContent()).toBe('Password changed. 1 other session was signed out.');
    await expect.poll(() => kim.page.getByTestId('session').count()).toBe(1);
    await shot(kim.page, 'account-mobile');
    const login = (password: string) => e2eApi().request('POST', '/api/auth/login', { login: kim.username, password });
    expect((await login(kim.password)).status).toBe(401);
    expect((await login('a brand new secret')).status).toBe(200);
    // This browser stays signed in.
    await kim.page.reload();
    await kim.page.getByTestId('account-page').waitFor();
    await closeAll(kim);
  });
});
