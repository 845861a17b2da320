/**
 * Browser tests' shared pieces: Debian's Chromium via playwright-core (headless, fake camera,
 * microphone and screen), people signed in through the real UI or through the API (faster:
 * the refresh cookie goes into the browser context and the app restores the session), and
 * small waits that read the app's data-testid hooks (web/README.md lists them).
 * Every page of every context fails its test on a console error or an uncaught exception,
 * unless the test declared it with allowConsoleErrors (what it provokes on purpose).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';

import { uniqueName, type TestApi } from './api';
import { appInfo } from './app';
import { e2eApi } from './e2e';
import { closeAllSockets, connectSocket } from './ws-client';

export const SHOTS = path.resolve('test-results/screenshots');
export const PASSWORD = 'correct horse battery staple';

/**
 * The only error every signed-out page load logs: the app asks /api/auth/refresh whether the
 * HttpOnly cookie holds a session, and "no" is a 401, which Chromium reports as a failed
 * resource. Anything else must be declared by the test that provokes it.
 */
const ALWAYS_ALLOWED = [/^Failed to load resource: the server responded with a status of 401 .*\/api\/auth\/refresh$/];

/** Console errors and uncaught exceptions of the pages opened during the current test. */
const consoleErrors = { seen: [] as string[], allowed: [] as RegExp[] };

function watchConsole(ctx: BrowserContext): BrowserContext {
  const record = (text: string) => {
    if (![...ALWAYS_ALLOWED, ...consoleErrors.allowed].some((re) => re.test(text))) consoleErrors.seen.push(text);
  };
  ctx.on('console', (m) => {
    if (m.type() === 'error') record(`${m.text()}${m.location().url ? ` ${m.location().url}` : ''}`);
  });
  ctx.on('weberror', (e) => record(`uncaught ${e.error().message}`));
  return ctx;
}

/**
 * Declares console errors the current test provokes on purpose (a refused request, a page
 * taken offline): matched against "<message> <source url>". Reset after each test.
 */
export function allowConsoleErrors(...patterns: RegExp[]): void {
  consoleErrors.allowed.push(...patterns);
}

// Registered when a test file imports this module: each test fails on what its pages logged.
afterEach(() => {
  const seen = consoleErrors.seen.splice(0);
  consoleErrors.allowed = [];
  if (seen.length) throw new Error(`browser console errors during the test (${seen.length}):\n${seen.slice(0, 10).join('\n')}`);
});

/**
 * Waits until the service worker controls the page (it claims open pages once installed); a
 * timeout says how far the worker got (installing, waiting, active, or no registration at all).
 */
export async function serviceWorkerControls(page: Page, timeout = 30_000): Promise<void> {
  try {
    await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout });
  } catch (err) {
    const state = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      return reg ? { installing: reg.installing?.state, waiting: reg.waiting?.state, active: reg.active?.state, controller: Boolean(navigator.serviceWorker.controller) } : 'no registration';
    });
    throw new Error(`the service worker did not control the page within ${timeout / 1000} s: ${JSON.stringify(state)}`, { cause: err });
  }
}

/** An init script (PersonOptions.initScripts): every RTCPeerConnection the page makes, in window.__pcs. */
export function recordPeerConnections() {
  const pcs: RTCPeerConnection[] = [];
  const NativePc = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePc {
    constructor(config?: RTCConfiguration) {
      super(config);
      pcs.push(this);
    }
  } as typeof RTCPeerConnection;
  (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = pcs;
}

/** Headless Chromium; media flags give every page a fake camera, microphone and screen, all allowed. */
export async function launchBrowser(): Promise<Browser> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // getUserMedia and getDisplayMedia succeed without prompts, with synthetic devices
      // (camera "fake_device_0", screen "screen:…").
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  // Every context, however a test makes it, reports its console (browser.newPage makes one too).
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => watchConsole(await newContext(options));
  browser.newPage = async (options) => {
    const ctx = await browser.newContext(options);
    const page = await ctx.newPage();
    page.once('close', () => void ctx.close().catch(() => {}));
    return page;
  };
  return browser;
}

export interface Person {
  ctx: BrowserContext;
  page: Page;
  id: string;
  username: string;
  displayName: string;
  password: string;
  /** An access token of the person's own (a separate API session). */
  token: string;
}

export interface PersonOptions {
  mobile?: boolean;
  dark?: boolean;
  /** Scripts run in every page before the app (see `callProbes`). */
  initScripts?: (() => void)[];
  /** Lets a test inject scripts such as axe (support/axe.ts) past the app's CSP. */
  bypassCSP?: boolean;
}

async function newContext(browser: Browser, options: PersonOptions): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    viewport: options.mobile ? { width: 390, height: 844 } : { width: 1280, height: 800 },
    colorScheme: options.dark ? 'dark' : 'light',
    ...(options.mobile ? { isMobile: true, hasTouch: true } : {}),
    ...(options.bypassCSP ? { bypassCSP: true } : {}),
  });
  for (const script of options.initScripts ?? []) await ctx.addInitScript(script);
  return ctx;
}

function guardDialogs(page: Page) {
  page.on('dialog', (d) => {
    throw new Error(`unexpected dialog: ${d.message()}`);
  });
}

/** Registers through the register page (what a new visitor does). */
export async function registerInBrowser(browser: Browser, prefix: string, displayName: string, options: PersonOptions = {}): Promise<Person> {
  const { baseUrl } = appInfo();
  const ctx = await newContext(browser, options);
  const page = await ctx.newPage();
  guardDialogs(page);
  const username = uniqueName(prefix);
  await page.goto(`${baseUrl}/register`);
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Display name (optional)').fill(displayName);
  await page.getByLabel('Email').fill(`${username}@example.test`);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByTestId('register-submit').click();
  await page.waitForURL('**/chat');
  const { token, user } = await login(e2eApi(), username, PASSWORD);
  return { ctx, page, id: user.id, username, displayName, password: PASSWORD, token };
}

async function login(api: TestApi, username: string, password: string) {
  return api.json<{ token: string; user: { id: string } }>('POST', '/api/auth/login', { login: username, password });
}

/**
 * Registers through the API and opens the app signed in (the refresh cookie is put in the
 * browser context), at `path` (default /chat).
 */
export async function signedIn(browser: Browser, prefix: string, displayName: string, options: PersonOptions & { path?: string } = {}): Promise<Person> {
  const username = uniqueName(prefix);
  const res = await e2eApi().request('POST', '/api/auth/register', { username, email: `${username}@example.test`, password: PASSWORD, displayName });
  if (res.status !== 201) throw new Error(`register → ${res.status}: ${await res.text()}`);
  return openSignedIn(browser, res, { username, displayName }, options);
}

/** The same person signed in again in a browser of its own: another device. */
export async function signedInElsewhere(browser: Browser, person: Person, options: PersonOptions & { path?: string } = {}): Promise<Person> {
  const res = await e2eApi().request('POST', '/api/auth/login', { login: person.username, password: person.password });
  if (res.status !== 200) throw new Error(`login → ${res.status}: ${await res.text()}`);
  return openSignedIn(browser, res, person, options);
}

/** A new context holding the session `res` (register or login) started, open at `path` (default /chat). */
async function openSignedIn(browser: Browser, res: Response, who: { username: string; displayName: string }, options: PersonOptions & { path?: string }): Promise<Person> {
  const { baseUrl } = appInfo();
  const body = (await res.json()) as { user: { id: string }; token: string };
  // The refresh cookie (a login also sets others, such as the device's sign-in memory).
  const refresh = res.headers.getSetCookie().find((c) => c.startsWith('edge_chat_refresh=')) ?? '';
  const [name, ...rest] = refresh.split(';')[0]!.split('=');
  const ctx = await newContext(browser, options);
  await ctx.addCookies([
    { name: name!, value: rest.join('='), url: `${baseUrl}/api/auth`, httpOnly: true, secure: true, sameSite: 'Strict' },
  ]);
  const page = await ctx.newPage();
  guardDialogs(page);
  await page.goto(`${baseUrl}${options.path ?? '/chat'}`);
  return { ctx, page, id: body.user.id, username: who.username, displayName: who.displayName, password: PASSWORD, token: body.token };
}

export async function shot(page: Page, name: string) {
  // Finite CSS animations are finished first, so panels are not captured mid-slide.
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), animations: 'disabled' });
}

/**
 * Every finite CSS transition and animation on the page has finished (spinners and other
 * infinite ones are left out), then one frame is painted: layout and colours are final. The
 * event itself, not a guess of how long a busy machine takes to animate.
 */
export async function settled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const finite = document.getAnimations().filter((a) => a.playState === 'running' && Number.isFinite(Number(a.effect?.getComputedTiming().endTime)));
    // A backstop only: a page's own transitions take well under a second.
    const backstop = new Promise((resolve) => setTimeout(resolve, 10_000));
    await Promise.race([Promise.all(finite.map((a) => a.finished.catch(() => undefined))), backstop]);
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  });
}

/** The conversation's socket is live. */
export const connected = (page: Page) =>
  page.waitForFunction(() => document.querySelector('[data-testid=connection-state]')?.getAttribute('data-state') === 'connected', null, {
    timeout: 30_000,
  });

export async function send(page: Page, text: string) {
  await page.getByTestId('composer-input').fill(text);
  await page.getByTestId('composer-input').press('Enter');
}

/** Files attached with the paperclip, then sent from the preview-and-caption step (with `caption`). */
export async function attachAndSend(page: Page, files: Parameters<Page['setInputFiles']>[1], caption = '') {
  await page.getByTestId('attach-input').setInputFiles(files);
  const dialog = page.getByTestId('send-files-dialog');
  await dialog.waitFor();
  if (caption) await dialog.getByTestId('send-files-caption').fill(caption);
  await dialog.getByTestId('send-files').click();
  await dialog.waitFor({ state: 'detached' });
}

export const texts = (page: Page) => page.locator('[data-testid=message][data-seq] [data-testid=message-text]').allTextContents();

/** Opens a direct conversation from the "new chat" panel; returns its room id. */
export async function openDirectInUi(from: Person, to: Person): Promise<string> {
  await from.page.getByTestId('new-chat-button').click();
  await from.page.getByTestId('user-search').fill(to.username);
  await from.page.locator(`[data-testid=user-result][data-username="${to.username}"]`).click();
  await from.page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
  return from.page.url().split('/').pop()!;
}

/** The chat-info panel's copy of each secondary header control (a phone shows only the panel's). */
const IN_CHAT_INFO: Record<string, string> = {
  'call-voice-button': 'info-call-voice',
  'call-video-button': 'info-call-video',
  'chat-search-button': 'info-search',
  'group-settings-link': 'info-group-settings',
};

/**
 * Clicks a secondary control of the open chat's header: the header's own on a wide screen, the
 * chat-info panel's (opened with ⓘ) on a phone, where the header keeps only the title.
 */
export async function clickChatControl(page: Page, testId: keyof typeof IN_CHAT_INFO & string): Promise<void> {
  const inHeader = page.getByTestId(testId);
  if (await inHeader.isVisible()) return inHeader.click();
  await page.getByTestId('chat-info-button').click();
  await page.getByTestId(IN_CHAT_INFO[testId]!).click();
}

/** REST as a person (their own API session). */
export function apiAs(p: Person) {
  const api = e2eApi();
  return {
    get: <T = any>(path: string) => api.json<T>('GET', path, undefined, p.token),
    post: <T = any>(path: string, body?: unknown) => api.json<T>('POST', path, body ?? {}, p.token),
    put: <T = any>(path: string, body: unknown) => api.json<T>('PUT', path, body, p.token),
    del: (path: string) => api.json('DELETE', path, undefined, p.token, [204]),
  };
}

export async function closeAll(...people: (Person | undefined)[]) {
  await Promise.all(people.map((p) => p?.ctx.close().catch(() => {})));
}


/**
 * Each person writes once in their direct conversation (over their own API session's socket):
 * presence is shared in a direct chat only once both have written (docs/security.md). Inboxes
 * learn it when they connect, so call this before the pages that should show it load.
 */
export async function exchangeMessages(people: Person[], roomId: string) {
  const api = e2eApi();
  for (const p of people) {
    const { ticket } = await api.json<{ ticket: string }>('POST', `/api/rooms/${roomId}/ws-ticket`, undefined, p.token);
    const socket = await connectSocket(api.baseUrl, roomId, { ticket, origin: api.origin });
    socket.send({ type: 'send', clientId: `hello-${p.id}`, content: `Hello from ${p.displayName}` });
    await socket.inbox.next('ack');
    await socket.close();
  }
}

/**
 * One Chromium for the test file that calls this (at its top level): launched before its
 * tests, closed after them. Read `.browser` and `.baseUrl` inside tests and hooks.
 */
export function browserPerFile(): { readonly browser: Browser; readonly baseUrl: string } {
  const state = {} as { browser: Browser; baseUrl: string };
  beforeAll(async () => {
    state.baseUrl = appInfo().baseUrl;
    state.browser = await launchBrowser();
  });
  afterAll(async () => {
    // Sockets the file opened from Node (ws-client) go first, then the browser.
    await closeAllSockets();
    await state.browser?.close();
  });
  return state;
}
