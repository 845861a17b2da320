/**
 * This device's Web Push subscription (docs/web-push.md). The browser subscribes with the
 * server's VAPID public key through the service worker's registration, and the server keeps
 * the subscription for this login session; the service worker shows what arrives.
 * Subscribing needs notification permission and a browser with a push service.
 */
import { api, type PushSetting } from '../services/api';

export function pushSupported(): boolean {
  return typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && typeof Notification !== 'undefined';
}

async function registration(): Promise<ServiceWorkerRegistration | undefined> {
  if (!pushSupported()) return undefined;
  return navigator.serviceWorker.getRegistration();
}

/** Subscribes this device (asking for permission if needed) and stores it with the preview choice. */
export async function enablePush(privatePreviews: boolean): Promise<PushSetting> {
  const reg = await registration();
  if (!reg) throw new Error('This browser cannot receive notifications while the app is closed.');
  if ((await Notification.requestPermission()) !== 'granted') throw new Error('Notifications are blocked for this site in the browser’s settings.');
  let subscription = await reg.pushManager.getSubscription();
  if (!subscription) {
    const { publicKey } = await api.pushConfig();
    try {
      subscription = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: publicKey });
    } catch {
      throw new Error('This browser could not reach its push service, so notifications cannot be turned on here.');
    }
  }
  return api.savePushSubscription({ ...subscription.toJSON(), privatePreviews });
}

/** Stops pushes to this device: the server forgets it and the browser drops its subscription. */
export async function disablePush(): Promise<void> {
  await api.deletePushSubscription();
  await forgetPushSubscription();
}

/** The browser side only (signing out: the server already ended the session's subscription). */
export async function forgetPushSubscription(): Promise<void> {
  try {
    const subscription = await (await registration())?.pushManager.getSubscription();
    await subscription?.unsubscribe();
  } catch {
    // No subscription or no service worker: nothing to forget.
  }
}

/**
 * After the person allowed notifications from the chat's prompt: subscribe too, quietly
 * (a browser without a push service keeps the in-tab notifications).
 */
export async function subscribeAfterPermission(): Promise<void> {
  try {
    const current = await api.pushSubscription();
    if (!current.subscribed) await enablePush(false);
  } catch {
    // Push unavailable here: in-tab notifications still work.
  }
}

/**
 * On opening the app: if this session is subscribed, store the browser's current subscription
 * again (the browser may have replaced it: `pushsubscriptionchange` in the service worker).
 */
export async function resyncPushSubscription(): Promise<void> {
  try {
    if (!pushSupported() || Notification.permission !== 'granted') return;
    const subscription = await (await registration())?.pushManager.getSubscription();
    if (!subscription) return;
    const current = await api.pushSubscription();
    if (current.subscribed) await api.savePushSubscription({ ...subscription.toJSON(), privatePreviews: current.privatePreviews });
  } catch {
    // Offline or push unavailable: the next opening tries again.
  }
}
