/**
 * A session that ended (signed out here, or refused on refresh: revoked elsewhere, password
 * changed, account deleted) leaves nothing of its user on this device: the saved rooms,
 * messages, drafts and unsent sends (offline-store.ts), and the conversation pages the
 * service worker kept (`/chat/<roomId>` in its page caches; their addresses name the rooms).
 * The shell pages (/chat, /login, /register) render the same for everyone and stay.
 * The browser's push subscription is dropped too (the server deleted its copy with the session).
 */
import { offlineStore } from './offline-store';
import { forgetPushSubscription } from './web-push';

/** Page caches of the service worker (web/service-worker/sw.js: `edge-chat-pages-<build>`). */
const PAGE_CACHES = /^edge-chat-pages-/;
const ROOM_PAGE = /^\/chat\/[^/]+/;

export async function forgetUserOnDevice(userId: string, options: { accountDeleted?: boolean } = {}): Promise<void> {
  if (options.accountDeleted) offlineStore.forgetDeletedAccount(userId);
  else offlineStore.forget(userId);
  // The next person on this browser must not get the previous one's pushes.
  await forgetPushSubscription();
  try {
    if (typeof caches === 'undefined') return;
    for (const name of await caches.keys()) {
      if (!PAGE_CACHES.test(name)) continue;
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        if (ROOM_PAGE.test(new URL(request.url).pathname)) await cache.delete(request);
      }
    }
  } catch {
    // Cache Storage unavailable (private mode, old browser): nothing was kept there.
  }
  // The service worker may still be writing the copy of the page that found the session over:
  // it forgets room pages once its writes are done, so that one does not come back.
  navigator.serviceWorker?.controller?.postMessage({ type: 'forget-rooms' });
}
