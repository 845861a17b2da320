/**
 * The virtualised message list (issue 18) on long chats seeded straight into Postgres: only the
 * messages near the screen are in the DOM whatever the history's length, and what the list did
 * before still holds: a jump to a search hit far back (not loaded yet) lands on and focuses the
 * hit every time, an older page prepended leaves the first message on screen where it was, new
 * messages keep the list at the bottom (and only what was seen is marked read), the arrow keys
 * walk past the rendered rows, a focused message scrolled out of the window leaves the focus on
 * the list (an arrow key brings it back), the "New messages" line shows where reading starts, and
 * a message that grows while rendered (with no render of the list) is measured all the same.
 */
import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seedChatHistory } from '../../scripts/lib/seed-chat-history';
import { LEAD_ROWS, WINDOW_ROWS } from '../../web/app/lib/list-window';
import { appInfo } from '../support/app';
import { apiAs, browserPerFile, closeAll, signedIn, type Person } from '../support/browser';
import { connectAs, e2eApi } from '../support/e2e';

const env = browserPerFile();
/** Rendered messages at most: the window, wherever it is pinned. */
const ROW_BOUND = WINDOW_ROWS;

async function seededChat(me: Person, count: number, readUpTo?: number) {
  const other = await e2eApi().register('ann');
  const { room } = await apiAs(me).post<{ room: { id: string } }>('/api/rooms/direct', { username: other.username });
  await seedChatHistory(appInfo().databaseUrl, room.id, { senders: [other.id, me.id], count, readUpTo });
  return { roomId: room.id, other };
}

const LIST = '[data-testid=message-list]';
const row = (seq: number) => `[data-testid=message][data-seq="${seq}"]`;

/** Inside the list's box. */
const onScreen = (page: Page, seq: number) =>
  page.evaluate(
    ([sel, list]) => {
      const el = document.querySelector(sel);
      const l = document.querySelector(list)!.getBoundingClientRect();
      const r = el?.getBoundingClientRect();
      return Boolean(r && r.height > 0 && r.bottom > l.top && r.top < l.bottom);
    },
    [row(seq), LIST] as const,
  );

async function openChat(page: Page, roomId: string, newest: number) {
  await page.goto(`${env.baseUrl}/chat/${roomId}`);
  await page.locator(`${LIST}[data-loaded=true]`).waitFor({ timeout: 30_000 });
  await expect.poll(() => onScreen(page, newest), { timeout: 20_000 }).toBe(true);
}

const dom = (page: Page) =>
  page.evaluate(() => {
    const rows = [...document.querySelectorAll<HTMLElement>('[data-testid=message][data-seq]')];
    return { rows: rows.length, elements: document.getElementsByTagName('*').length, first: Number(rows[0]?.dataset.seq ?? 0) };
  });

/** The first message on screen and its distance from the list's top. */
const firstOnScreen = (page: Page) =>
  page.evaluate((list) => {
    const top = document.querySelector(list)!.getBoundingClientRect().top;
    for (const el of document.querySelectorAll<HTMLElement>('[data-testid=message][data-seq]')) {
      const r = el.getBoundingClientRect();
      if (r.bottom > top) return { seq: Number(el.dataset.seq), top: r.top - top };
    }
    return null;
  }, LIST);

const topOf = (page: Page, seq: number) =>
  page.evaluate(([sel, list]) => document.querySelector(sel)!.getBoundingClientRect().top - document.querySelector(list)!.getBoundingClientRect().top, [row(seq), LIST] as const);

/** Scrolls to the top until the oldest loaded message is at or below `seq`. */
async function loadBackTo(page: Page, seq: number) {
  for (;;) {
    const { first } = await dom(page);
    if (first <= seq) return;
    await page.evaluate((list) => (document.querySelector(list)!.scrollTop = 0), LIST);
    await page.waitForFunction((before) => {
      const el = document.querySelector<HTMLElement>('[data-testid=message][data-seq]');
      return Number(el?.dataset.seq) < before;
    }, first, { timeout: 30_000 });
  }
}

/** A request for a page of history older than the newest. */
const olderPage = (url: URL) => url.pathname.endsWith('/messages') && url.searchParams.has('before');

const focusedSeq = (page: Page) => page.evaluate(() => Number((document.activeElement as HTMLElement | null)?.dataset.seq ?? NaN));

describe('message list on a long chat', () => {
  it('keeps the DOM bounded: 3,000 messages render no more than 300 do, at the newest end and 250 back', async () => {
    const me = await signedIn(env.browser, 'reader', 'Reader');
    const counts: Record<number, { newest: Awaited<ReturnType<typeof dom>>; back: Awaited<ReturnType<typeof dom>> }> = {};
    for (const count of [300, 3000]) {
      const { roomId } = await seededChat(me, count);
      await openChat(me.page, roomId, count);
      const newest = await dom(me.page);
      await loadBackTo(me.page, count - 250);
      counts[count] = { newest, back: await dom(me.page) };
    }
    for (const c of Object.values(counts)) {
      expect(c.newest.rows).toBeLessThanOrEqual(ROW_BOUND);
      expect(c.back.rows).toBeLessThanOrEqual(ROW_BOUND);
    }
    // Ten times the history, about the same page: per rendered row (a window near the start of
    // the shorter chat has fewer rows above it), what the rows are made of is all that differs.
    const perRow = (d: { rows: number; elements: number }) => d.elements / d.rows;
    expect(perRow(counts[3000]!.back)).toBeLessThan(perRow(counts[300]!.back) * 1.3);
    expect(perRow(counts[3000]!.newest)).toBeLessThan(perRow(counts[300]!.newest) * 1.3);
    await closeAll(me);
  });

  it('jumps to a search hit far back, not loaded yet, and focuses it: 5 out of 5', async () => {
    const me = await signedIn(env.browser, 'seeker', 'Seeker');
    const { roomId } = await seededChat(me, 3000);
    // "Message g: a longer one…" is every seventh message (g % 7 == 2).
    const targets = [107, 604, 1199, 1703, 2403];
    let landed = 0;
    for (const target of targets) {
      await openChat(me.page, roomId, 3000);
      expect((await dom(me.page)).first).toBeGreaterThan(target);
      await me.page.getByTestId('search-button').click();
      await me.page.getByTestId('search-input').fill(`${target} longer`);
      await me.page.locator(`[data-testid=search-result][data-seq="${target}"]`).click({ timeout: 30_000 });
      await me.page.waitForFunction((seq) => (document.activeElement as HTMLElement | null)?.dataset.seq === String(seq), target, { timeout: 30_000 });
      if ((await onScreen(me.page, target)) && (await focusedSeq(me.page)) === target) landed += 1;
      expect((await dom(me.page)).rows).toBeLessThanOrEqual(ROW_BOUND);
    }
    expect(landed).toBe(5);
    await closeAll(me);
  });

  it('keeps the first message on screen in place while older pages are prepended', async () => {
    const me = await signedIn(env.browser, 'anchor', 'Anchor');
    const { roomId } = await seededChat(me, 3000);
    await openChat(me.page, roomId, 3000);
    // The rows of the second page (2901..2940, not rendered before the first scroll up) are far
    // taller than the ones measured before them, so the list's guess of their height is wrong
    // by thousands of pixels: the top of the list must stay in reach (and load) all the same.
    const tall = ['290', '291', '292', '293'].map((p) => `[data-testid=message][data-seq^="${p}"]`).join(', ') + ' { padding-bottom: 300px; }';
    // Through the CSSOM: the page's CSP refuses an inline <style>.
    await me.page.evaluate((rule) => document.styleSheets[0]!.insertRule(rule, document.styleSheets[0]!.cssRules.length), tall);
    // Older pages are held back until the view before them has been measured.
    const gate = { release: () => {} };
    let requested!: () => void;
    let asked = new Promise<void>((resolve) => (requested = resolve));
    await me.page.route(olderPage, async (route: Route) => {
      await new Promise<void>((resolve) => {
        gate.release = resolve;
        requested();
      });
      await route.continue();
    });
    for (let i = 0; i < 3; i++) {
      const before = await dom(me.page);
      await me.page.evaluate((list) => (document.querySelector(list)!.scrollTop = 0), LIST);
      await Promise.race([asked, new Promise((_, reject) => setTimeout(() => reject(new Error('no older page was asked for')), 30_000))]);
      asked = new Promise<void>((resolve) => (requested = resolve));
      const seen = (await firstOnScreen(me.page))!;
      gate.release();
      // As soon as the page is rendered (the correction happens before it is painted), and once settled.
      await me.page.waitForFunction((first) => Number(document.querySelector<HTMLElement>('[data-testid=message][data-seq]')?.dataset.seq) < first, before.first, { timeout: 30_000 });
      expect(Math.abs((await topOf(me.page, seen.seq)) - seen.top)).toBeLessThanOrEqual(2);
      await me.page.locator('[data-testid=history-sentinel] .spinner').waitFor({ state: 'detached' });
      expect(Math.abs((await topOf(me.page, seen.seq)) - seen.top)).toBeLessThanOrEqual(2);
    }
    await closeAll(me);
  });

  it('scrolls forward through the window in small moves, keeping what is on screen where the scroll put it', async () => {
    const me = await signedIn(env.browser, 'forward', 'Forward');
    const { roomId } = await seededChat(me, 1000);
    await openChat(me.page, roomId, 1000);
    await loadBackTo(me.page, 700);
    // Away from the top, so no older page arrives meanwhile; the window is pinned to the first row.
    await me.page.evaluate((list) => (document.querySelector(list)!.scrollTop = 600), LIST);
    await me.page.locator('[data-testid=history-sentinel] .spinner').waitFor({ state: 'detached' });
    const lastRendered = () => me.page.evaluate(() => Number([...document.querySelectorAll<HTMLElement>('[data-testid=message][data-seq]')].at(-1)?.dataset.seq));
    // The scroll event, and the render it asks for, come with the next frame.
    const nextFrames = () => me.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await nextFrames();
    const moves: number[] = [];
    for (let step = 0; step < 50; step++) {
      const before = await lastRendered();
      const seen = (await firstOnScreen(me.page))!;
      await me.page.evaluate((list) => (document.querySelector(list)!.scrollTop += 120), LIST);
      await nextFrames();
      const after = await lastRendered();
      if (after > before) moves.push(after - before);
      expect(Math.abs((await topOf(me.page, seen.seq)) - (seen.top - 120))).toBeLessThanOrEqual(2);
    }
    // Pinned to the first row on screen, the first forward move rendered every row below the
    // screen at once (~40); pinned to the last, each move renders what the lead used up.
    expect(moves.length).toBeGreaterThan(2);
    expect(Math.max(...moves)).toBeLessThanOrEqual(LEAD_ROWS);
    await closeAll(me);
  });

  it('follows new messages at the bottom; scrolled up, keeps still, counts them and does not mark them read', async () => {
    const me = await signedIn(env.browser, 'follow', 'Follow');
    const { roomId, other } = await seededChat(me, 300);
    await openChat(me.page, roomId, 300);
    const socket = await connectAs(e2eApi(), other, roomId);
    const say = async (content: string) => {
      socket.send({ type: 'send', clientId: crypto.randomUUID(), content });
      return Number((await socket.inbox.next('ack')).seq);
    };
    const atBottom = () => me.page.evaluate((list) => {
      const l = document.querySelector(list)!;
      return l.scrollHeight - l.scrollTop - l.clientHeight < 2;
    }, LIST);
    const first = await say('a new one at the bottom');
    await expect.poll(() => onScreen(me.page, first), { timeout: 20_000 }).toBe(true);
    await expect.poll(atBottom, { timeout: 10_000 }).toBe(true);
    const myRead = async () => (await apiAs(me).get<{ rooms: { id: string; lastReadSeq: number }[] }>('/api/rooms')).rooms.find((r) => r.id === roomId)!.lastReadSeq;
    await expect.poll(myRead, { timeout: 20_000 }).toBe(first);

    await me.page.evaluate((list) => (document.querySelector(list)!.scrollTop -= 2500), LIST);
    await me.page.getByTestId('jump-latest').waitFor();
    const seen = (await firstOnScreen(me.page))!;
    const unseen = await say('one that arrives while I read further up');
    await expect.poll(() => me.page.getByTestId('jump-latest').getAttribute('aria-label'), { timeout: 20_000 }).toBe('Jump to latest, 1 new');
    expect(Math.abs((await topOf(me.page, seen.seq)) - seen.top)).toBeLessThanOrEqual(2);
    expect(await myRead()).toBe(first);

    await me.page.getByTestId('jump-latest').click();
    await expect.poll(() => onScreen(me.page, unseen), { timeout: 20_000 }).toBe(true);
    await expect.poll(myRead, { timeout: 20_000 }).toBe(unseen);
    await socket.close();
    await closeAll(me);
  });

  it('learns the height of a message that grew while rendered, and keeps it once the message leaves the window', async () => {
    const me = await signedIn(env.browser, 'grow', 'Grow');
    const { roomId } = await seededChat(me, 300);
    await openChat(me.page, roomId, 300);
    // With the list at its start, the rows below the window are bottom padding, sized from what
    // the list knows of their heights.
    const padBelowAtStart = async () => {
      await me.page.evaluate((list) => (document.querySelector(list)!.scrollTop = 0), LIST);
      await expect.poll(() => me.page.locator(row(1)).count(), { timeout: 20_000 }).toBe(1);
      return me.page.evaluate((list) => parseFloat(document.querySelector<HTMLElement>(`${list} .messages__list`)!.style.paddingBottom), LIST);
    };
    await loadBackTo(me.page, 1);
    const before = await padBelowAtStart();
    expect(await me.page.locator(row(260)).count()).toBe(0);
    await me.page.getByTestId('jump-latest').click();
    await expect.poll(() => onScreen(me.page, 300), { timeout: 20_000 }).toBe(true);
    // Message 260, rendered, grows by 400 px with no render of the list (through the CSSOM: the
    // page's CSP refuses an inline <style>); then the list goes back to its start.
    await me.page.evaluate((rule) => document.styleSheets[0]!.insertRule(rule, document.styleSheets[0]!.cssRules.length), `${row(260)} { padding-bottom: 400px; }`);
    await expect.poll(async () => (await topOf(me.page, 261)) - (await topOf(me.page, 260)), { timeout: 10_000 }).toBeGreaterThan(400);
    // What the list learnt of it while rendered is what stands for it now (a list that measured
    // only after renders would still count its old height here).
    await expect.poll(padBelowAtStart, { timeout: 20_000 }).toBeGreaterThanOrEqual(before + 399);
    await closeAll(me);
  });

  it('walks the arrow keys past the rendered rows, and back', async () => {
    const me = await signedIn(env.browser, 'keys', 'Keys');
    const { roomId } = await seededChat(me, 300);
    await openChat(me.page, roomId, 300);
    // Older pages are held until ArrowUp has been pressed for a message in them, so the key meets
    // a page on its way (asked for by the history sentinel as the top came near, or by the key).
    const held: { before: number; release: () => void }[] = [];
    await me.page.route(olderPage, async (route: Route) => {
      const before = Number(new URL(route.request().url()).searchParams.get('before'));
      await new Promise<void>((release) => held.push({ before, release }));
      await route.continue();
    });
    const releaseOlderThan = (seq: number) => {
      for (let i = held.length - 1; i >= 0; i--) if (held[i]!.before > seq) held.splice(i, 1)[0]!.release();
    };
    await me.page.locator(row(300)).focus();
    const steps = ROW_BOUND + 20;
    for (let i = 1; i <= steps; i++) {
      const target = 300 - i;
      await me.page.keyboard.press('ArrowUp');
      await expect.poll(() => (releaseOlderThan(target), focusedSeq(me.page)), { timeout: 10_000 }).toBe(target);
    }
    expect(await onScreen(me.page, 300 - steps)).toBe(true);
    expect((await dom(me.page)).rows).toBeLessThanOrEqual(ROW_BOUND);
    expect(await me.page.locator(row(300)).count()).toBe(0);
    for (let i = 1; i <= 3; i++) {
      await me.page.keyboard.press('ArrowDown');
      await expect.poll(() => focusedSeq(me.page), { timeout: 10_000 }).toBe(300 - steps + i);
    }
    await me.page.keyboard.press('End');
    await expect.poll(() => focusedSeq(me.page), { timeout: 10_000 }).toBe(300);
    expect(await onScreen(me.page, 300)).toBe(true);
    await closeAll(me);
  });

  it('keeps the keyboard\'s place when the focused message scrolls out of the window: the list holds the focus, an arrow key brings the message back', async () => {
    const me = await signedIn(env.browser, 'place', 'Place');
    const { roomId } = await seededChat(me, 300);
    await openChat(me.page, roomId, 300);
    await me.page.locator(row(300)).focus();
    // Scrolled far back with the mouse: the focused newest message leaves the DOM.
    await loadBackTo(me.page, 300 - ROW_BOUND - 50);
    await expect.poll(() => me.page.locator(row(300)).count(), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => me.page.evaluate(() => document.activeElement?.className), { timeout: 10_000 }).toBe('messages__list');
    await me.page.keyboard.press('ArrowUp');
    await expect.poll(() => focusedSeq(me.page), { timeout: 10_000 }).toBe(300);
    expect(await onScreen(me.page, 300)).toBe(true);
    await closeAll(me);
  });

  it('opens at the "New messages" line when more is unread than fits', async () => {
    const me = await signedIn(env.browser, 'unread', 'Unread');
    const { roomId } = await seededChat(me, 300, 270);
    // From the chat list, as people open it (the list tells where my reading stopped).
    await me.page.goto(`${env.baseUrl}/chat`);
    await me.page.locator(`[data-testid=conversation-item][data-room-id="${roomId}"]`).click({ timeout: 30_000 });
    const line = me.page.getByTestId('unread-line');
    await line.waitFor({ timeout: 30_000 });
    await expect
      .poll(() => line.evaluate((el, list) => {
        const l = document.querySelector(list)!.getBoundingClientRect();
        const r = el.getBoundingClientRect();
        return r.top >= l.top && r.bottom <= l.bottom;
      }, LIST), { timeout: 20_000 })
      .toBe(true);
    // The first unread message comes right after the line.
    expect(await line.evaluate((el) => (el.nextElementSibling as HTMLElement | null)?.dataset.seq)).toBe('271');
    expect((await dom(me.page)).rows).toBeLessThanOrEqual(ROW_BOUND);
    await closeAll(me);
  });
});
