/**
 * The chat's main-thread cost (issue 18): what arrives in a long chat re-renders only what it
 * changes. Rows are counted through lib/render-probe.ts (inert unless the page opts in), so the
 * bound is on renders, never on time: the other person typing, their new message, my answer and
 * their read receipt for it, in a chat of 200, render the two new rows and leave the others alone.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seedChatHistory } from '../../scripts/lib/seed-chat-history';
import { appInfo } from '../support/app';
import { apiAs, browserPerFile, closeAll, signedIn } from '../support/browser';
import { connectAs, e2eApi } from '../support/e2e';

const env = browserPerFile();
const COUNT = 200;
/** Renders of rows that did not change, at most, for everything below together. */
const UNTOUCHED_BOUND = 2;

type Counts = Record<string, Record<string, number>>;
const bubbleRenders = (page: Page) =>
  page.evaluate(() => ({ ...((window as { __renderCounts?: Counts }).__renderCounts?.MessageBubble ?? {}) }));

describe('render cost of a long chat', () => {
  it(`renders the new rows, not the ones before them, when typing, messages and a read receipt arrive in a chat of ${COUNT}`, async () => {
    const me = await signedIn(env.browser, 'renders', 'Renders');
    const other = await e2eApi().register('ann');
    const { room } = await apiAs(me).post<{ room: { id: string } }>('/api/rooms/direct', { username: other.username });
    await seedChatHistory(appInfo().databaseUrl, room.id, { senders: [other.id, me.id], count: COUNT });

    await me.page.addInitScript(() => ((window as { __renderCounts?: Counts }).__renderCounts = {}));
    await me.page.goto(`${env.baseUrl}/chat/${room.id}`);
    await me.page.locator('[data-testid=message-list][data-loaded=true]').waitFor({ timeout: 30_000 });
    await me.page.locator(`[data-testid=message][data-seq="${COUNT}"]`).waitFor({ timeout: 30_000 });
    const socket = await connectAs(e2eApi(), other, room.id);
    const before = await bubbleRenders(me.page);
    expect(Object.keys(before).length).toBeGreaterThan(20); // the probe counts: the window's rows rendered
    const atOpen = Object.values(before).reduce((n, c) => n + c, 0);
    console.log(`MessageBubble renders while opening: ${atOpen} over ${Object.keys(before).length} rows`);

    // From here on, nothing that arrives changes an old row (presence of the socket above included).
    await me.page.evaluate(() => ((window as { __renderCounts?: Counts }).__renderCounts = {}));
    socket.send({ type: 'typing', active: true });
    await me.page.getByTestId('typing-indicator').waitFor({ timeout: 30_000 });
    socket.send({ type: 'send', clientId: crypto.randomUUID(), content: 'one more' });
    const theirs = Number((await socket.inbox.next('ack')).seq);
    await me.page.locator(`[data-testid=message][data-seq="${theirs}"]`).waitFor({ timeout: 30_000 });
    const myRead = async () => (await apiAs(me).get<{ rooms: { id: string; lastReadSeq: number }[] }>('/api/rooms')).rooms.find((r) => r.id === room.id)!.lastReadSeq;
    await expect.poll(myRead, { timeout: 30_000 }).toBe(theirs);
    // My answer, and their read receipt for it.
    await me.page.getByTestId('composer-input').fill('and my answer');
    await me.page.getByTestId('composer-input').press('Enter');
    const mine = theirs + 1;
    await me.page.locator(`[data-testid=message][data-seq="${mine}"][data-status=sent]`).waitFor({ timeout: 30_000 });
    socket.send({ type: 'read', seq: mine });
    await me.page.locator(`[data-testid=message][data-seq="${mine}"][data-status=seen]`).waitFor({ timeout: 30_000 });

    const after = await bubbleRenders(me.page);
    const untouched = Object.entries(after).filter(([s]) => Number(s) < theirs).reduce((n, [, c]) => n + c, 0);
    console.log(`MessageBubble renders: theirs ${after[theirs] ?? 0}, mine ${after[mine] ?? 0}, untouched rows ${untouched}`);
    expect(after[theirs]).toBeGreaterThanOrEqual(1);
    expect(after[mine]).toBeGreaterThanOrEqual(1);
    expect(untouched).toBeLessThanOrEqual(UNTOUCHED_BOUND);
    await socket.close();
    await closeAll(me);
  });
});
