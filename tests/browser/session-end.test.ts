/**
 * A session that ends leaves nothing of its user in the browser (issue 20 #6): ended
 * elsewhere (here: the session revoked through another client, as a password change or
 * "sign out everywhere" does), the next refresh is refused and the app wipes the user's
 * saved rooms and messages from localStorage and the conversation pages the service worker
 * kept; Sign out does the same. web/app/lib/forget-device.ts.
 */
import { describe, expect, it } from 'vitest';
import { e2eApi } from '../support/e2e';
import { allowConsoleErrors, apiAs, browserPerFile, serviceWorkerControls, closeAll, connected, exchangeMessages, signedIn, type Person } from '../support/browser';

const env = browserPerFile();

const controlled = (p: Person) => serviceWorkerControls(p.page);

/** The user's keys in localStorage (offline-store.ts keeps them per user under `edge-chat:`). */
const storedKeys = (p: Person) =>
  p.page.evaluate((id) => Object.keys(localStorage).filter((k) => k.startsWith('edge-chat:') && k.includes(id)), p.id);

/** Conversation pages the service worker keeps for offline use. */
const keptRoomPages = (p: Person) =>
  p.page.evaluate(async () => {
    const paths: string[] = [];
    for (const name of await caches.keys()) {
      for (const req of await (await caches.open(name)).keys()) {
        const path = new URL(req.url).pathname;
        if (path.startsWith('/chat/')) paths.push(path);
      }
    }
    return paths;
  });

async function chatWithSavedState(p: Person, roomId: string) {
  await p.page.goto(`${env.baseUrl}/chat/${roomId}`);
  await connected(p.page);
  await controlled(p);
  // A reload under the service worker keeps the conversation page; the app saves the room list and messages.
  await p.page.reload();
  await connected(p.page);
  await expect.poll(() => keptRoomPages(p), { timeout: 15_000 }).toContain(`/chat/${roomId}`);
  await expect.poll(() => storedKeys(p), { timeout: 15_000 }).not.toEqual([]);
}

/** Two people in a direct chat, the first with its page, saved data and kept page in place. */
async function twoInAChat(first: [string, string], second: [string, string]) {
  const me = await signedIn(env.browser, ...first);
  const other = await signedIn(env.browser, ...second);
  const { room } = await apiAs(me).post<{ room: { id: string } }>('/api/rooms/direct', { username: other.username });
  await exchangeMessages([me, other], room.id);
  await chatWithSavedState(me, room.id);
  return { me, other };
}

describe('an ended session leaves nothing behind in the browser', () => {
  it('wipes saved data and kept pages when the session was ended elsewhere (refresh refused)', async () => {
    const { me: amy, other: rory } = await twoInAChat(['amy', 'Amy Pond'], ['rory', 'Rory Williams']);

    // Someone ends this browser's session from elsewhere (revoked: password changed, signed out everywhere).
    const cookie = (await amy.ctx.cookies()).find((c) => c.name === 'edge_chat_refresh')!;
    const ended = await e2eApi().request('POST', '/api/auth/logout', undefined, undefined, `${cookie.name}=${cookie.value}`);
    expect(ended.status).toBe(204);
    // The reloaded page's first requests carry the ended session's access token: refused, on purpose.
    allowConsoleErrors(/status of 401 .*\/api\/(rooms|auth\/refresh)$/);
    await amy.page.reload();
    await amy.page.waitForURL(/\/login(\?|$)/, { timeout: 30_000 });
    await expect.poll(() => storedKeys(amy), { timeout: 15_000 }).toEqual([]);
    await expect.poll(() => keptRoomPages(amy), { timeout: 15_000 }).toEqual([]);
    await closeAll(amy, rory);
  });

  it('Sign out clears the kept conversation pages as well as saved data', async () => {
    const { me: ann, other: ben } = await twoInAChat(['ann', 'Ann'], ['ben', 'Ben']);
    await ann.page.getByTestId('logout-button').click();
    await ann.page.getByTestId('confirm-logout').click();
    await ann.page.waitForURL('**/login');
    expect(await storedKeys(ann)).toEqual([]);
    expect(await keptRoomPages(ann)).toEqual([]);
    await closeAll(ann, ben);
  });
});
