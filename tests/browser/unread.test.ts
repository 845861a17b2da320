/**
 * The unread count of a conversation new to me: its first messages arrive on the inbox while
 * the list is being loaded to learn of the room. The list the server sends is a snapshot taken
 * before the later messages; the badge and the tab title must still count all three (they used
 * to say 2 where the server said 3, until a reload).
 */
import type { Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TestUser } from '../support/api';
import { connectAs, e2eApi } from '../support/e2e';
import { apiAs, browserPerFile, closeAll, signedIn } from '../support/browser';

const env = browserPerFile();

describe('unread count', () => {
  it('counts every message of a new conversation that arrives while the list loads (badge, tab title and server agree)', async () => {
    const ann = await signedIn(env.browser, 'ann', 'Ann');
    const bob = await signedIn(env.browser, 'bob', 'Bob');
    await ann.page.getByTestId('new-chat-button').waitFor({ timeout: 20_000 });

    // Inbox frames Ann's page receives, from a fresh load (a socket is seen from its opening).
    const frames: string[] = [];
    let inboxReady!: () => void;
    const ready = new Promise<void>((resolve) => (inboxReady = resolve));
    const heard = new Set<() => void>();
    ann.page.on('websocket', (ws) => {
      if (!ws.url().includes('/ws/inbox')) return;
      ws.on('framereceived', ({ payload }) => {
        const text = String(payload);
        frames.push(text);
        if (text.includes('"inbox_ready"')) inboxReady();
        for (const check of heard) check();
      });
    });
    // The inbox coalesces a burst into one notice with its newest message: wait for the one with seq `n`.
    const newestHeard = (roomId: string) =>
      Math.max(0, ...frames.map((f) => JSON.parse(f) as { type: string; roomId?: string; message?: { seq: number } }).filter((f) => f.type === 'activity' && f.roomId === roomId).map((f) => f.message!.seq));
    const whenActivities = (roomId: string, n: number) =>
      new Promise<void>((resolve) => {
        const check = () => newestHeard(roomId) >= n && (heard.delete(check), resolve());
        heard.add(check);
        check();
      });

    // The first list request after the inbox is up is answered with what the server said at
    // once, but handed to the page only after the later messages reached it: the slow load.
    let armed = false;
    let snapshotTaken!: () => void;
    const taken = new Promise<void>((resolve) => (snapshotTaken = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await ann.page.route('**/api/rooms', async (route: Route) => {
      if (!armed || route.request().method() !== 'GET') return route.continue();
      armed = false;
      const response = await route.fetch();
      snapshotTaken();
      await released;
      await route.fulfill({ response });
    });
    await ann.page.reload();
    await ready;
    await ann.page.getByTestId('new-chat-button').waitFor();
    armed = true;

    // Bob starts a conversation with Ann and writes once: Ann's list does not know the room yet.
    const { room } = await apiAs(bob).post<{ room: { id: string } }>('/api/rooms/direct', { username: ann.username });
    const bobUser = { id: bob.id, username: bob.username, token: bob.token } as TestUser;
    const socket = await connectAs(e2eApi(), bobUser, room.id);
    const say = async (content: string) => {
      socket.send({ type: 'send', clientId: crypto.randomUUID(), content });
      await socket.inbox.next('ack');
    };
    await say('one');
    await taken;
    // Two more, while Ann's list request is on its way back.
    await say('two');
    await say('three');
    await whenActivities(room.id, 3);
    release();

    const item = ann.page.locator(`[data-testid=conversation-item][data-room-id="${room.id}"]`);
    await item.waitFor({ timeout: 15_000 });
    await expect.poll(() => item.getAttribute('data-unread'), { timeout: 15_000 }).toBe('3');
    await expect.poll(() => ann.page.title()).toMatch(/^\(3\) /);
    await expect
      .poll(async () => (await apiAs(ann).get<{ rooms: { id: string; unreadCount: number }[] }>('/api/rooms')).rooms.find((r) => r.id === room.id)?.unreadCount, { timeout: 15_000 })
      .toBe(3);
    await socket.close();
    await closeAll(ann, bob);
  });

  it("leaves thread replies out of a chat's count unless they are for me (a mention, a thread I took part in): badge, tab title and server agree, and reading the chat clears it", async () => {
    const ann = await signedIn(env.browser, 'ann', 'Ann');
    const bob = await signedIn(env.browser, 'bob', 'Bob');
    const cat = await signedIn(env.browser, 'cat', 'Cat');
    await ann.page.getByTestId('new-chat-button').waitFor({ timeout: 20_000 });
    const activities: { roomId: string; message: { seq: number } }[] = [];
    const heard = new Set<() => void>();
    ann.page.on('websocket', (ws) => {
      if (!ws.url().includes('/ws/inbox')) return;
      ws.on('framereceived', ({ payload }) => {
        const frame = JSON.parse(String(payload)) as { type: string; roomId: string; message: { seq: number } };
        if (frame.type === 'activity') activities.push(frame);
        for (const check of heard) check();
      });
    });
    await ann.page.reload();
    await ann.page.getByTestId('new-chat-button').waitFor();

    const { room } = await apiAs(bob).post<{ room: { id: string } }>('/api/groups', { name: 'Busy thread', members: [ann.username, cat.username] });
    const item = ann.page.locator(`[data-testid=conversation-item][data-room-id="${room.id}"]`);
    await item.waitFor({ timeout: 15_000 });
    const connect = (p: typeof bob) => connectAs(e2eApi(), { id: p.id, username: p.username, token: p.token } as TestUser, room.id);
    const [bobSocket, catSocket] = [await connect(bob), await connect(cat)];
    const say = async (socket: typeof bobSocket, content: string, threadRootSeq?: number) => {
      socket.send({ type: 'send', clientId: crypto.randomUUID(), content, ...(threadRootSeq ? { threadRootSeq } : {}) });
      return (await socket.inbox.next('ack')).seq;
    };
    const heardSeq = (seq: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no activity with seq ${seq} within 15 s`)), 15_000);
        const check = () => activities.some((a) => a.roomId === room.id && a.message.seq >= seq) && (heard.delete(check), clearTimeout(timer), resolve());
        heard.add(check);
        check();
      });
    const serverCount = async () => (await apiAs(ann).get<{ rooms: { id: string; unreadCount: number }[] }>('/api/rooms')).rooms.find((r) => r.id === room.id)?.unreadCount;
    const expectCount = async (n: number) => {
      await expect.poll(() => item.getAttribute('data-unread'), { timeout: 15_000 }).toBe(String(n));
      await expect.poll(() => ann.page.title()).toMatch(new RegExp(`^\\(${n}\\) `));
      await expect.poll(serverCount, { timeout: 15_000 }).toBe(n);
    };

    const root = await say(bobSocket, 'Who has the keys?');
    await heardSeq(root);
    await expectCount(1);
    // Bob and Cat talk in Bob's thread: nothing in it is for Ann. Then one main message.
    await say(catSocket, 'not me', root);
    await say(bobSocket, 'hm', root);
    await say(catSocket, 'try the drawer', root);
    const main = await say(catSocket, 'Lunch at one?');
    await heardSeq(main);
    await expectCount(2);
    // A reply that mentions Ann is for her.
    const mention = await say(catSocket, `@${ann.username} do you have them?`, root);
    await heardSeq(mention);
    await expectCount(3);
    // Once she has replied (from another device, gone again: the room tells only absent members'
    // inboxes), the thread's later replies are for her too.
    const annSocket = await connect(ann);
    await say(annSocket, 'no, sorry', root);
    await annSocket.close();
    await catSocket.inbox.next('presence', (f) => f.userId === ann.id && !f.online);
    const after = await say(catSocket, 'found them', root);
    await heardSeq(after);
    await expectCount(4);

    // Reading the chat reads it all, though its newest messages are thread replies.
    await item.click();
    await expect.poll(() => item.getAttribute('data-unread'), { timeout: 15_000 }).toBe('0');
    await expect.poll(serverCount, { timeout: 15_000 }).toBe(0);
    await bobSocket.close();
    await catSocket.close();
    await closeAll(ann, bob, cat);
  });
});
