/**
 * The service worker's Web Push handlers in Chromium. Headless Chromium has no push service,
 * so the pushes are delivered with the DevTools protocol's `ServiceWorker.deliverPushMessage`,
 * which runs the worker's `push` handler with the given data as a push service's message
 * would (after the browser decrypted it); what the worker shows is read back with
 * `registration.getNotifications()`. The payloads are the server's (durable-objects/push/push-payload.ts).
 */
import type { CDPSession } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { callEndPayload, callPayload, messagePayload } from '../../durable-objects/push/push-payload';
import type { CallState, WireMessage } from '../../durable-objects/protocol';
import { browserPerFile, closeAll, serviceWorkerControls, signedIn, type Person } from '../support/browser';

const env = browserPerFile();

interface Shown {
  title: string;
  body: string;
  tag: string;
  url: string | undefined;
}

/** The service worker's registration id, as the DevTools protocol names it, once it is active. */
async function pushTo(person: Person): Promise<{ cdp: CDPSession; deliver: (payload: unknown) => Promise<void> }> {
  await person.ctx.grantPermissions(['notifications'], { origin: env.baseUrl });
  await serviceWorkerControls(person.page);
  const cdp = await person.ctx.newCDPSession(person.page);
  const registrationId = new Promise<string>((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] }) => {
      const reg = e.registrations.find((r) => r.scopeURL.startsWith(env.baseUrl) && !r.isDeleted);
      if (reg) resolve(reg.registrationId);
    });
  });
  await cdp.send('ServiceWorker.enable');
  const id = await registrationId;
  return {
    cdp,
    deliver: async (payload) => {
      await cdp.send('ServiceWorker.deliverPushMessage', { origin: env.baseUrl, registrationId: id, data: JSON.stringify(payload) });
    },
  };
}

const shown = (p: Person) =>
  p.page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    return (await reg.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, url: (n.data as { url?: string } | null)?.url }));
  }) as Promise<Shown[]>;

const roomId = '6f1c2a4e-0b7d-4c1e-9a53-2f4d8e1b7c90';
const message = (content: string): WireMessage => ({
  id: crypto.randomUUID(),
  roomId,
  seq: 7,
  senderId: crypto.randomUUID(),
  clientId: 'c',
  type: 'text',
  content,
  replyToSeq: null,
  createdAt: new Date().toISOString(),
  editedAt: null,
  deletedAt: null,
  reactions: [],
});

describe('web push in the service worker', () => {
  it('shows the sender and text, or "New message" with private previews, one notification per chat', async () => {
    const pia = await signedIn(env.browser, 'pia', 'Pia');
    const { deliver } = await pushTo(pia);

    await deliver(messagePayload(message('the keys are under the mat'), false, { senderName: 'Quinn', groupName: null, privatePreviews: false }));
    await expect.poll(() => shown(pia)).toEqual([{ title: 'Quinn', body: 'the keys are under the mat', tag: `room-${roomId}`, url: `/chat/${roomId}` }]);

    // The same chat again, from a device with private previews: it replaces the first, with no names or text.
    await deliver(messagePayload(message('and the code is 4711'), false, { senderName: 'Quinn', groupName: null, privatePreviews: true }));
    await expect.poll(() => shown(pia)).toEqual([{ title: 'New message', body: '', tag: `room-${roomId}`, url: `/chat/${roomId}` }]);

    // A push it cannot read still shows something (userVisibleOnly), never its content.
    await deliver({ unexpected: 'shape' });
    await expect.poll(async () => (await shown(pia)).map((n) => n.title)).toEqual(['New message', 'New message']);
    await closeAll(pia);
  });

  it('rings for a call and closes the call notification when it was answered elsewhere', async () => {
    const rex = await signedIn(env.browser, 'rex', 'Rex');
    const { deliver } = await pushTo(rex);
    const call: CallState = {
      id: crypto.randomUUID(),
      roomId,
      media: 'voice',
      callerId: crypto.randomUUID(),
      calleeId: rex.id,
      status: 'ringing',
      createdAt: new Date().toISOString(),
      startedAt: null,
      endedAt: null,
    };
    await deliver(callPayload(call, 'Sam', false));
    await expect.poll(() => shown(rex)).toEqual([{ title: 'Sam is calling', body: 'Incoming voice call', tag: `call-${call.id}`, url: `/chat/${roomId}` }]);
    await deliver(callEndPayload({ ...call, status: 'accepted' }));
    await expect.poll(() => shown(rex)).toEqual([]);
    await closeAll(rex);
  });
});
