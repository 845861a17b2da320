/**
 * Opening a room asks the inbox socket for its ticket (issue 18): once the tab's inbox is
 * live, a room switch makes no POST …/ws-ticket, and the room socket it opens works.
 */
import { describe, expect, it } from 'vitest';
import { apiAs, closeAll, connected, browserPerFile, send, signedIn, texts } from '../support/browser';
import { e2eApi } from '../support/e2e';

const env = browserPerFile();

describe('room tickets over the inbox socket', () => {
  it('switches rooms without a ticket request once the inbox is live', async () => {
    const api = e2eApi();
    const kim = await signedIn(env.browser, 'kim', 'Kim Tickets');
    const [lee, max] = [await api.register('lee'), await api.register('max')];
    const withLee = (await apiAs(kim).post<{ room: { id: string } }>('/api/rooms/direct', { username: lee.username })).room.id;
    const withMax = (await apiAs(kim).post<{ room: { id: string } }>('/api/rooms/direct', { username: max.username })).room.id;

    const ticketPosts: string[] = [];
    const roomSockets: string[] = [];
    let inboxLive!: () => void;
    const inboxReady = new Promise<void>((resolve) => (inboxLive = resolve));
    kim.page.on('request', (req) => {
      if (req.method() === 'POST' && req.url().includes('/ws-ticket')) ticketPosts.push(new URL(req.url()).pathname);
    });
    kim.page.on('websocket', (ws) => {
      const path = new URL(ws.url()).pathname;
      if (path.startsWith('/ws/rooms/')) roomSockets.push(path);
      if (path === '/ws/inbox') {
        ws.on('framereceived', (f) => {
          if (typeof f.payload === 'string' && f.payload.includes('"type":"inbox_ready"')) inboxLive();
        });
      }
    });
    await kim.page.reload();
    await inboxReady;
    const roomPosts = () => ticketPosts.filter((p) => p.startsWith('/api/rooms/'));
    const before = roomPosts().length;

    for (const roomId of [withLee, withMax]) {
      await kim.page.locator(`[data-testid=conversation-item][data-room-id="${roomId}"]`).click();
      await connected(kim.page);
      expect(roomSockets).toContain(`/ws/rooms/${roomId}`);
    }
    // The socket opened with the inbox's ticket carries messages both ways.
    await send(kim.page, 'opened without a ticket request');
    await expect.poll(() => texts(kim.page), { timeout: 20_000 }).toContain('opened without a ticket request');
    expect(roomPosts().length).toBe(before);
    await closeAll(kim);
  });
});
