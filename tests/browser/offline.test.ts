/**
 * The app as an installed, offline-proof web app: a manifest and service worker that Chromium
 * accepts as installable; with the network gone, navigation stays in the app (route modules
 * and pages come from the service worker), the list and header say we are offline and grey
 * presence out, the app reopens on a reload to the last state with the queued sends, which go
 * out once the network is back. Drafts are kept per conversation across switches and reloads.
 */
import { describe, expect, it } from 'vitest';
import { allowConsoleErrors, apiAs, closeAll, serviceWorkerControls, connected, browserPerFile, exchangeMessages, send, shot, signedIn, texts, type Person } from '../support/browser';

const env = browserPerFile();

async function openDirect(from: Person, to: Person): Promise<string> {
  const { room } = await apiAs(from).post<{ room: { id: string } }>('/api/rooms/direct', { username: to.username });
  return room.id;
}

const controlled = (p: Person) => serviceWorkerControls(p.page);

/** The texts of a conversation's newest messages as the app saved them on the device (offline-store.ts). */
const savedTexts = (p: Person, roomId: string) =>
  p.page.evaluate((key) => {
    const page = JSON.parse(localStorage.getItem(key) ?? 'null') as { messages: { content: string }[] } | null;
    return page?.messages.map((m) => m.content) ?? [];
  }, `edge-chat:messages:${p.id}:${roomId}`);

const item = (p: Person, roomId: string) => p.page.locator(`[data-testid=conversation-item][data-room-id="${roomId}"]`);

describe('installable, offline-proof app', () => {
  it('has a manifest and a service worker Chromium accepts for installing', async () => {
    const ina = await signedIn(env.browser, 'ina', 'Ina');
    await ina.page.getByTestId('me-name').waitFor();
    await controlled(ina);
    const manifest = await ina.page.evaluate(async () => {
      const href = document.querySelector<HTMLLinkElement>('link[rel=manifest]')?.href;
      return href ? ((await (await fetch(href)).json()) as { start_url: string; display: string; icons: { sizes: string }[] }) : null;
    });
    expect(manifest?.start_url).toBe('/chat');
    expect(manifest?.display).toBe('standalone');
    expect(manifest?.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    const cdp = await ina.ctx.newCDPSession(ina.page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
    // Test contexts are incognito profiles (where Chromium never offers installing); nothing else may be missing.
    expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
    await closeAll(ina);
  });

  it('offline: navigation stays in the app, presence greys out, a reload opens the last state with queued sends, sent when back', async () => {
    allowConsoleErrors(/^Failed to load resource: net::ERR_INTERNET_DISCONNECTED /); // taken offline on purpose
    // The offline page for an address the app cannot serve offline answers 503, on purpose.
    allowConsoleErrors(/status of 503 .*\/join\/never-seen-token$/);
    const amy = await signedIn(env.browser, 'amy', 'Amy Pond');
    const rory = await signedIn(env.browser, 'rory', 'Rory Williams');
    const clara = await signedIn(env.browser, 'clara', 'Clara Oswald');
    const withRory = await openDirect(amy, rory);
    const withClara = await openDirect(amy, clara);
    // Presence is shared in a direct chat once both have written there (docs/security.md).
    await exchangeMessages([amy, rory], withRory);
    const hellos = ['Hello from Amy Pond', 'Hello from Rory Williams'];

    await amy.page.goto(`${env.baseUrl}/chat/${withRory}`);
    await connected(amy.page);
    await controlled(amy);
    await send(amy.page, 'said while online');
    await expect.poll(() => amy.page.locator('[data-testid=message][data-mine=true]').last().getAttribute('data-status')).toBe('sent');
    // Rory is online (his inbox is connected): a green dot in the list and in the header.
    await expect.poll(() => item(amy, withRory).getByTestId('presence-dot').getAttribute('data-online'), { timeout: 15_000 }).toBe('true');
    // The newest messages are saved a moment after they change: wait until they are.
    await expect.poll(() => savedTexts(amy, withRory), { timeout: 15_000 }).toContain('said while online');

    await amy.ctx.setOffline(true);
    // The list says so, and nobody is shown online any more.
    await amy.page.getByTestId('list-offline').waitFor({ timeout: 10_000 });
    await expect.poll(() => item(amy, withRory).getByTestId('presence-dot').getAttribute('data-online')).toBe('unknown');
    await expect.poll(() => amy.page.getByTestId('chat-subtitle').textContent()).not.toBe('online');
    await expect.poll(() => amy.page.locator('.chat__header [data-testid=presence-dot]').getAttribute('data-online')).toBe('unknown');
    await shot(amy.page, 'offline-list-desktop');

    // "+" and another conversation: route modules come from the service worker's cache.
    await amy.page.getByTestId('new-chat-button').click();
    await amy.page.getByTestId('new-chat').waitFor({ timeout: 10_000 });
    expect(amy.page.url()).toBe(`${env.baseUrl}/chat/new`);
    await item(amy, withClara).click();
    await amy.page.waitForURL(`**/chat/${withClara}`);
    await expect.poll(() => amy.page.getByTestId('connection-state').getAttribute('data-state')).toBe('offline');
    await item(amy, withRory).click();
    await expect.poll(() => texts(amy.page)).toEqual([...hellos, 'said while online']);
    await send(amy.page, 'queued while offline');
    await expect.poll(() => amy.page.locator('[data-pending=true]').count()).toBe(1);

    // A reload without a network: the service worker serves the page, the app opens as it was.
    const reloaded = await amy.page.reload();
    expect(reloaded?.fromServiceWorker()).toBe(true);
    expect(reloaded?.headers()['x-served-by']).toBe('service-worker-cache');
    await amy.page.getByTestId('chat-window').waitFor({ timeout: 15_000 });
    await expect.poll(() => texts(amy.page)).toEqual([...hellos, 'said while online']);
    await expect.poll(() => amy.page.locator('[data-pending=true] [data-testid=message-text]').allTextContents()).toEqual(['queued while offline']);
    await expect.poll(() => amy.page.getByTestId('connection-state').getAttribute('data-state')).toBe('offline');
    await item(amy, withClara).waitFor();
    await shot(amy.page, 'offline-reloaded-desktop');

    // An address never opened on this device: the app shell, not the browser's error page.
    const fresh = await amy.page.goto(`${env.baseUrl}/chat/${withClara}`);
    expect(fresh?.fromServiceWorker()).toBe(true);
    await amy.page.getByTestId('chat-window').waitFor({ timeout: 15_000 });
    expect(amy.page.url()).toBe(`${env.baseUrl}/chat/${withClara}`);

    // Any other address: a page of the app's own saying so, with a way back to the chats.
    const other = await amy.page.goto(`${env.baseUrl}/join/never-seen-token`);
    expect(other?.status()).toBe(503);
    await amy.page.getByTestId('offline-page').waitFor();
    await amy.page.getByRole('link', { name: 'Open your chats' }).click();
    await amy.page.getByTestId('conversation-list').waitFor({ timeout: 15_000 });

    // Back online: the queued message goes out, Rory gets it; presence comes back.
    await item(amy, withRory).click();
    await amy.ctx.setOffline(false);
    await connected(amy.page);
    await expect.poll(() => amy.page.locator('[data-pending=true]').count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => texts(amy.page), { timeout: 20_000 }).toEqual([...hellos, 'said while online', 'queued while offline']);
    const history = await apiAs(rory).get<{ messages: { content: string }[] }>(`/api/rooms/${withRory}/messages?limit=10`);
    expect(history.messages.map((m) => m.content).reverse()).toEqual([...hellos, 'said while online', 'queued while offline']);
    await expect.poll(() => item(amy, withRory).getByTestId('presence-dot').getAttribute('data-online'), { timeout: 20_000 }).toBe('true');
    await expect.poll(() => amy.page.getByTestId('list-offline').count()).toBe(0);
    await closeAll(amy, rory, clara);
  });

  it('offline on a phone: list, new chat and a conversation open from the cache, and a reload too', async () => {
    allowConsoleErrors(/^Failed to load resource: net::ERR_INTERNET_DISCONNECTED /); // taken offline on purpose
    const pia = await signedIn(env.browser, 'pia', 'Pia', { mobile: true });
    const quin = await signedIn(env.browser, 'quin', 'Quin');
    const room = await openDirect(pia, quin);
    await pia.page.goto(`${env.baseUrl}/chat/${room}`);
    await connected(pia.page);
    await controlled(pia);
    await send(pia.page, 'from my phone');
    await expect.poll(() => pia.page.locator('[data-testid=message][data-seq]').count()).toBe(1);
    await expect.poll(() => savedTexts(pia, room), { timeout: 15_000 }).toContain('from my phone');

    await pia.ctx.setOffline(true);
    await pia.page.getByRole('link', { name: 'Back to conversations' }).click();
    await pia.page.getByTestId('list-offline').waitFor({ timeout: 10_000 });
    await shot(pia.page, 'offline-list-phone');
    await pia.page.getByTestId('new-chat-button').click();
    await pia.page.getByTestId('new-chat').waitFor({ timeout: 10_000 });
    await pia.page.goBack();
    await item(pia, room).click();
    await expect.poll(() => texts(pia.page)).toEqual(['from my phone']);
    const reloaded = await pia.page.reload();
    expect(reloaded?.fromServiceWorker()).toBe(true);
    await expect.poll(() => texts(pia.page), { timeout: 15_000 }).toEqual(['from my phone']);
    await expect.poll(() => pia.page.getByTestId('connection-state').getAttribute('data-state')).toBe('offline');
    await shot(pia.page, 'offline-chat-phone');
    await closeAll(pia, quin);
  });

  it('keeps a draft per conversation across switches and reloads', async () => {
    const dee = await signedIn(env.browser, 'dee', 'Dee');
    const eli = await signedIn(env.browser, 'eli', 'Eli');
    const fin = await signedIn(env.browser, 'fin', 'Fin');
    const withEli = await openDirect(dee, eli);
    const withFin = await openDirect(dee, fin);
    await dee.page.goto(`${env.baseUrl}/chat/${withEli}`);
    await dee.page.getByTestId('composer-input').fill('half a thought for Eli');
    await item(dee, withFin).click();
    await dee.page.waitForURL(`**/chat/${withFin}`);
    // The address changes a moment before the chat it names renders: wait for Fin's chat.
    await dee.page.locator(`[data-testid=chat-window][data-room-id="${withFin}"]`).waitFor();
    expect(await dee.page.getByTestId('composer-input').inputValue()).toBe('');
    await dee.page.getByTestId('composer-input').fill('and one for Fin');
    await item(dee, withEli).click();
    await expect.poll(() => dee.page.getByTestId('composer-input').inputValue()).toBe('half a thought for Eli');
    await dee.page.reload();
    await expect.poll(() => dee.page.getByTestId('composer-input').inputValue(), { timeout: 15_000 }).toBe('half a thought for Eli');
    await item(dee, withFin).click();
    await expect.poll(() => dee.page.getByTestId('composer-input').inputValue()).toBe('and one for Fin');
    // Sending clears the draft.
    await dee.page.getByTestId('composer-input').press('Enter');
    await dee.page.reload();
    await dee.page.getByTestId('composer-input').waitFor({ timeout: 15_000 });
    await expect.poll(() => texts(dee.page), { timeout: 15_000 }).toEqual(['and one for Fin']);
    expect(await dee.page.getByTestId('composer-input').inputValue()).toBe('');
    await closeAll(dee, eli, fin);
  });
});
