/**
 * The service worker (served as /sw.js; web/vite.config.ts writes it into web/build/client with
 * the build's file list in place of the two placeholders below).
 *
 * - Precaches every file of the client build (route modules, CSS, icons, the web app manifest),
 *   so navigating inside the app never fails for lack of a route module while the server is
 *   unreachable. Files are content-hashed: cache first.
 * - Pages (navigations): network first with a timeout; every page that loads is kept. Without a
 *   network the kept copy of that address is served, or else the app shell (the /chat page,
 *   which renders the same for everyone: the app is client-driven) adapted to the address, so
 *   the browser's "This site can't be reached" page never shows. The app then opens on what it
 *   saved (offline-store.ts) and reconnects by itself.
 * - /api and /ws are never touched: the app handles their failures itself.
 * - Web Push (docs/web-push.md): a `push` shows the message or the ringing call the server's
 *   inbox sent (durable-objects/push/push-payload.ts), or just "New message" for a device with
 *   private previews; a `call_end` push closes that call's notification (answered elsewhere,
 *   declined, missed). A click focuses an open tab on that chat, or opens one.
 */
/* eslint-disable no-restricted-globals */
const VERSION = '__BUILD_VERSION__';
const PRECACHE = __PRECACHE_FILES__;

const ASSETS = `edge-chat-assets-${VERSION}`;
// Pages name this build's files: they are kept per build too.
const PAGES = `edge-chat-pages-${VERSION}`;
/**
 * A conversation's page for no conversation in particular: served offline for one never opened
 * on this device. It matches the same routes as the real address (the /chat page would not:
 * hydrating it there loads other route modules and React reports a mismatch, #418).
 */
const ROOM_SHELL = '/chat/00000000-0000-4000-8000-000000000000';
/** Pages fetched at install time, so the app opens offline even before they were visited. */
const SHELL_PAGES = ['/chat', '/chat/new', ROOM_SHELL, '/login', '/register'];
const NAVIGATION_TIMEOUT_MS = 8000;
/** A conversation's address (/chat/new and /chat/account are pages of their own). */
const ROOM_PAGE = /^\/chat\/(?!new$|account$)[\w-]+$/;
/** Pages kept for offline use: the app's own (not invite links, whose token is in the address). */
const KEPT_PAGES = /^\/(chat|login|register)(\/|$)/;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const assets = await caches.open(ASSETS);
      // Each file on its own, tried again after a hiccup: with addAll one dropped request among
      // a hundred fails the install, and the app stays without offline use until a reload.
      await Promise.all(PRECACHE.map((path) => precache(assets, path)));
      const pages = await caches.open(PAGES);
      await Promise.all(
        SHELL_PAGES.map(async (path) => {
          try {
            const res = await fetch(path, { credentials: 'same-origin' });
            if (isPage(res)) await pages.put(path, res);
          } catch {
            // offline during install: kept when first visited instead
          }
        }),
      );
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('edge-chat-') && name !== ASSETS && name !== PAGES) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

// A page that loaded while this worker was activating can miss its claim (the page did not
// exist yet as a client): it asks again once it sees an active worker and no controller.
self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'claim') event.waitUntil(self.clients.claim());
  // A session ended (web/app/lib/forget-device.ts): its conversation pages go, including one whose
  // copy is still being written (the page that found out loaded a moment ago, through here).
  if (event.data && event.data.type === 'forget-rooms') event.waitUntil(forgetRoomPages());
});

/** Page copies being written to the cache. */
const writing = new Set();

function keepPage(path, res) {
  const put = caches
    .open(PAGES)
    .then((c) => c.put(path, res))
    .catch(() => {});
  writing.add(put);
  put.finally(() => writing.delete(put));
}

async function forgetRoomPages() {
  await Promise.all([...writing]);
  const pages = await caches.open(PAGES);
  for (const request of await pages.keys()) {
    const path = new URL(request.url).pathname;
    if (ROOM_PAGE.test(path) && path !== ROOM_SHELL) await pages.delete(request);
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/ws/')) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigate(request, url));
  } else if (PRECACHE.includes(url.pathname) || url.pathname.startsWith('/assets/')) {
    event.respondWith(asset(request));
  }
});

// ------------------------------------------------------------------ Web Push

/** Only the app's own chat addresses are opened from a notification. */
const CHAT_URL = /^\/chat\/[\w-]+$/;
const ICON = '/icon-192.png';

self.addEventListener('push', (event) => {
  event.waitUntil(showPush(readPush(event.data)));
});

function readPush(data) {
  try {
    const payload = data ? data.json() : null;
    return payload && payload.v === 1 && typeof payload.roomId === 'string' ? payload : null;
  } catch {
    return null;
  }
}

async function showPush(push) {
  // userVisibleOnly: every push shows something, even one this worker cannot read.
  if (!push) return self.registration.showNotification('New message', { icon: ICON, tag: 'edge-chat' });
  const url = CHAT_URL.test(push.url || '') ? push.url : '/chat';
  if (push.kind === 'call_end') {
    for (const n of await self.registration.getNotifications({ tag: `call-${push.callId}` })) n.close();
    return undefined;
  }
  if (push.kind === 'call') {
    return self.registration.showNotification(push.private ? 'Incoming call' : String(push.title), {
      body: push.private ? '' : String(push.body),
      tag: `call-${push.callId}`,
      icon: ICON,
      renotify: true,
      requireInteraction: true,
      data: { url, callId: push.callId },
    });
  }
  // A tab in front showing that chat already shows the message.
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  if (windows.some((w) => w.focused && new URL(w.url).pathname === url)) return undefined;
  return self.registration.showNotification(push.private ? 'New message' : String(push.title), {
    body: push.private ? '' : String(push.body),
    tag: `room-${push.roomId}`,
    icon: ICON,
    renotify: true,
    data: { url },
  });
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const path = event.notification.data && CHAT_URL.test(event.notification.data.url) ? event.notification.data.url : '/chat';
  event.waitUntil(openChat(path));
});

/** Focuses a tab of the app and shows the chat in it, or opens a new one. */
async function openChat(path) {
  const url = new URL(path, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const tab = windows.find((w) => new URL(w.url).origin === self.location.origin);
  if (!tab) return self.clients.openWindow(url);
  const focused = await tab.focus();
  return tab.url === url ? focused : focused.navigate(url).catch(() => self.clients.openWindow(url));
}

// The browser replaced the subscription (expiry, key rotation by the push service): subscribe
// again with the same options; the app stores the new one when it next opens
// (web/app/lib/web-push.ts#resyncPushSubscription), as the worker holds no session.
self.addEventListener('pushsubscriptionchange', (event) => {
  const options = event.oldSubscription && event.oldSubscription.options;
  if (options) event.waitUntil(self.registration.pushManager.subscribe(options).catch(() => undefined));
});

async function precache(cache, path) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await cache.add(path);
    } catch (err) {
      if (attempt === 3) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

function isPage(res) {
  return res.ok && (res.headers.get('content-type') || '').includes('text/html');
}

async function asset(request) {
  const cached = await caches.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const res = await fetch(request);
  if (res.ok) {
    const copy = res.clone();
    caches.open(ASSETS).then((c) => c.put(request, copy)).catch(() => {});
  }
  return res;
}

async function navigate(request, url) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), NAVIGATION_TIMEOUT_MS);
  try {
    const res = await fetch(request, { signal: controller.signal });
    if (isPage(res) && KEPT_PAGES.test(url.pathname)) keepPage(url.pathname, res.clone());
    return res;
  } catch {
    return offlinePage(url);
  } finally {
    clearTimeout(timer);
  }
}

async function offlinePage(url) {
  const pages = await caches.open(PAGES);
  const same = await pages.match(url.pathname);
  if (same) return fromCache(same, await same.text());
  // Another address of the app: the shell of the same routes, told which address it is for
  // (Remix reloads a page whose server-rendered URL differs from the address bar).
  const shellPath = ROOM_PAGE.test(url.pathname) ? ROOM_SHELL : url.pathname.startsWith('/chat') || url.pathname === '/' ? '/chat' : null;
  for (const path of shellPath ? new Set([shellPath, '/chat']) : []) {
    const shell = await pages.match(path);
    if (shell) return fromCache(shell, (await shell.text()).replace(`"url":${JSON.stringify(path)}`, `"url":${JSON.stringify(url.pathname)}`));
  }
  return new Response(OFFLINE_HTML, { status: 503, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
}

/** A kept page, marked as such (tests and the network panel can tell). */
function fromCache(res, html) {
  const headers = new Headers(res.headers);
  headers.set('X-Served-By', 'service-worker-cache');
  return new Response(html, { status: 200, headers });
}

const OFFLINE_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Offline · edge-chat</title><style>body{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;color:#1b1f29;background:#f6f7fb}
main{max-width:28rem;padding:1.5rem}a{color:#1849a9}@media (prefers-color-scheme:dark){body{color:#e9ecf2;background:#0f1218}a{color:#9cc0ff}}</style></head>
<body><main data-testid="offline-page"><h1>You are offline</h1><p>This page has not been opened on this device before, so it cannot be shown without a connection.</p>
<p><a href="/chat">Open your chats</a> — they were saved on this device.</p></main></body></html>`;
