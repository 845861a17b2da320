/**
 * Web Push end to end: the app under test sends to a local push service
 * (tests/support/push-service.ts) that checks each request's VAPID JWT and decrypts
 * its aes128gcm body with the device's keys, as a browser's push service and browser
 * would. Covers who gets a push (no live inbox socket on that device; muted rooms only
 * for mentions; private previews), calls ringing and then closing, the subscription
 * routes' endpoint rules, and the clean-up on 404/410 and on sign-out.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName, type TestUser } from '../support/api';
import { appInfo } from '../support/app';
import { connectAs, connectInboxAs, e2eApi, expectError } from '../support/e2e';
import { PRIVATE_MARKER, testEmail } from '../support/private-marker';
import { LocalPushService, type ReceivedPush, type TestDevice } from '../support/push-service';
import { closeAllSockets } from '../support/ws-client';

const api = e2eApi();
let push: LocalPushService;
let db: pg.Client;

beforeAll(async () => {
  const { pushPort, vapidPublicKey, databaseUrl } = appInfo();
  push = await LocalPushService.start(pushPort, vapidPublicKey);
  db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
});

afterAll(async () => {
  await closeAllSockets();
  await push?.close();
  await db?.end();
});

interface Person extends TestUser {
  displayName: string;
}

async function person(prefix: string): Promise<Person> {
  const username = uniqueName(prefix);
  const displayName = `${prefix[0]!.toUpperCase()}${prefix.slice(1)} Push`;
  const password = `pw-${crypto.randomUUID()}`;
  const res = await api.request('POST', '/api/auth/register', { username, email: testEmail(username), password, displayName });
  const body = (await res.json()) as { user: { id: string }; token: string };
  expect(res.status, JSON.stringify(body)).toBe(201);
  return { id: body.user.id, username, email: testEmail(username), password, token: body.token, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!, displayName };
}

/** Another login of the same person: another device (session). */
async function anotherDevice(user: Person): Promise<Person> {
  const res = await api.request('POST', '/api/auth/login', { login: user.username, password: user.password });
  const body = (await res.json()) as { token: string };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return { ...user, token: body.token, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]! };
}

/** Subscribes the session of `user` (as the page does after the person allowed notifications). */
async function subscribe(user: Person, privatePreviews = false): Promise<TestDevice> {
  const device = push.device();
  await api.json('PUT', '/api/push/subscription', { endpoint: device.endpoint, expirationTime: null, keys: device.keys, privatePreviews }, user.token);
  return device;
}

async function send(sender: Person, roomId: string, content: string): Promise<void> {
  const socket = await connectAs(api, sender, roomId);
  const clientId = crypto.randomUUID();
  socket.send({ type: 'send', clientId, content });
  await socket.inbox.next('ack', (f) => f.clientId === clientId);
  socket.close();
}

const about = (device: TestDevice, text: string) => (p: ReceivedPush) => p.deviceId === device.id && JSON.stringify(p.payload).includes(text);

/** Polls the database (the clean-up happens after the push, in the inbox object). */
async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function subscriptionCount(endpoint: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>('select count(*) as n from push_subscriptions where endpoint = $1', [endpoint]);
  return Number(rows[0]!.n);
}

describe('web push', () => {
  it('hands out the VAPID public key and refuses endpoints that are not a public https push service', async () => {
    const alice = await person('alice');
    const config = await api.json<{ publicKey: string }>('GET', '/api/push/config', undefined, alice.token);
    expect(config.publicKey).toBe(appInfo().vapidPublicKey);
    const keys = push.device().keys;
    for (const endpoint of [
      'http://push.example.com/x', // not https
      'https://127.0.0.1/x', // an address, not a host
      'https://[::1]/x',
      'https://localhost/x',
      'https://metadata.internal/x',
      'https://push.example.com:8443/x', // not the https port
      'https://user:pw@push.example.com/x',
      `http://127.0.0.1:${appInfo().pushPort + 1}/x`, // loopback, but not the allowed test origin
      'javascript:alert(1)',
    ]) {
      const res = await api.request('PUT', '/api/push/subscription', { endpoint, keys }, alice.token);
      const error = await expectError(res, 400);
      expect(error.message, endpoint).toMatch(/push endpoint refused|endpoint/);
    }
    await expectError(await api.request('PUT', '/api/push/subscription', { endpoint: 'https://push.example.com/x', keys: { ...keys, p256dh: 'short' } }, alice.token), 400);
    await expectError(await api.request('PUT', '/api/push/subscription', { endpoint: 'https://push.example.com/x', keys }), 401);
    // A public https host is accepted (nothing is sent to it here).
    await api.json('PUT', '/api/push/subscription', { endpoint: `https://push.example.com/${crypto.randomUUID()}`, keys }, alice.token);
    expect(await api.json('GET', '/api/push/subscription', undefined, alice.token)).toEqual({ subscribed: true, privatePreviews: false });
    expect((await api.request('DELETE', '/api/push/subscription', undefined, alice.token)).status).toBe(204);
    expect(await api.json('GET', '/api/push/subscription', undefined, alice.token)).toEqual({ subscribed: false, privatePreviews: false });
  });

  it('pushes an encrypted, VAPID-signed message to the device without a live socket, and none to the device with one', async () => {
    const [alice, bob] = await Promise.all([person('alice'), person('bob')]);
    // A group: its members see each other's presence, which tells this test when bob's tab is gone.
    const roomId = await api.createGroup(alice, 'Dinner', [bob]);
    const bobPhone = await anotherDevice(bob);
    const tab = await connectInboxAs(api, bob);
    // Before bob has any device: his inbox finds none and remembers it, until he subscribes.
    await send(alice, roomId, `before any device ${PRIVATE_MARKER}`);
    await tab.inbox.next('activity', (f) => f.message.content.startsWith('before any device'));
    const desk = await subscribe(bob); // bob's first session: its tab stays open
    const phone = await subscribe(bobPhone);
    const aliceTab = await connectInboxAs(api, alice); // hears when bob's inbox has no socket left

    const text = `dinner at eight? ${PRIVATE_MARKER}`;
    await send(alice, roomId, text);
    const got = await push.next(about(phone, 'dinner'), 15_000, 'the phone\'s push');
    expect(got.payload).toEqual({ v: 1, kind: 'message', roomId, url: `/chat/${roomId}`, private: false, title: `${alice.displayName} in Dinner`, body: text });
    expect(got.ttl).toBe(86_400);
    expect(got.urgency).toBe('normal');
    expect(got.topic).toMatch(/^[\w-]{32}$/);
    expect(got.topic).not.toContain(roomId.slice(0, 8));

    // Once the desk's tab closes, the desk is pushed to as well; the first message never reached it.
    // A clean close (a close frame), as a tab being closed sends.
    await new Promise((resolve) => {
      tab.ws.once('close', resolve);
      tab.ws.close(1000);
    });
    await aliceTab.inbox.next('contact_presence', (f) => f.contact.userId === bob.id && !f.contact.online);
    await send(alice, roomId, `still on? ${PRIVATE_MARKER}`);
    await push.next(about(desk, 'still on'), 15_000, 'the desk\'s push');
    await push.next(about(phone, 'still on'), 15_000, 'the phone\'s second push');
    expect(push.pushesTo(desk).some((p) => JSON.stringify(p.payload).includes('dinner'))).toBe(false);
    expect(push.received.some((p) => JSON.stringify(p.payload).includes('before any device'))).toBe(false);
    // Same chat, same topic: an undelivered older push would be replaced. Same size: padding hides the length.
    const deskPush = push.pushesTo(desk)[0]!;
    const phonePushes = push.pushesTo(phone);
    expect(phonePushes.every((p) => p.bodyBytes === deskPush.bodyBytes)).toBe(true);
    expect(new Set(phonePushes.map((p) => p.topic)).size).toBe(1);
    expect(deskPush.topic).not.toBe(phonePushes[0]!.topic); // per device: the push service cannot link them
    expect(push.problems).toEqual([]);
  });

  it('a muted chat pushes only mentions; private previews carry no names or text', async () => {
    const [alice, bob, carol] = await Promise.all([person('alice'), person('bob'), person('carol')]);
    const roomId = await api.createGroup(alice, `Plans ${PRIVATE_MARKER}`, [bob, carol]);
    const bobDevice = await subscribe(bob);
    const carolDevice = await subscribe(carol, true);
    await api.json('PUT', `/api/rooms/${roomId}/mute`, { duration: '1h' }, bob.token);

    await send(alice, roomId, `who brings the salad ${PRIVATE_MARKER}`);
    // Carol's private device hears of it, without a word of it.
    const privatePush = await push.next((p) => p.deviceId === carolDevice.id, 15_000, 'carol\'s push');
    expect(privatePush.payload).toEqual({ v: 1, kind: 'message', roomId, url: `/chat/${roomId}`, private: true });

    await send(alice, roomId, `@${bob.username} you bring the salad ${PRIVATE_MARKER}`);
    const mention = await push.next(about(bobDevice, 'you bring'), 15_000, 'bob\'s mention push');
    expect(mention.payload).toMatchObject({ kind: 'message', private: false, title: `${alice.displayName} in Plans ${PRIVATE_MARKER} mentioned you` });
    expect(mention.urgency).toBe('high');
    expect(push.pushesTo(bobDevice).map((p) => p.payload.body)).toEqual([`@${bob.username} you bring the salad ${PRIVATE_MARKER}`]);
    // The sender's own devices never hear of their message.
    expect(push.received.some((p) => JSON.stringify(p.payload).includes('salad') && p.deviceId !== bobDevice.id && p.deviceId !== carolDevice.id)).toBe(false);
    expect(push.problems).toEqual([]);
  });

  it('deletes a subscription the push service answers 404 or 410 for, and those of ended sessions and deleted accounts', async () => {
    const [alice, bob, carol] = await Promise.all([person('alice'), person('bob'), person('carol')]);
    const roomId = await api.createGroup(alice, 'Cleanup', [bob, carol]);
    const expired = await subscribe(bob);
    const unknown = await subscribe(carol);
    push.answer(expired, 410);
    push.answer(unknown, 404);
    await send(alice, roomId, `anyone there ${PRIVATE_MARKER}`);
    await push.next((p) => p.deviceId === expired.id);
    await push.next((p) => p.deviceId === unknown.id);
    await waitFor(async () => (await subscriptionCount(expired.endpoint)) === 0 && (await subscriptionCount(unknown.endpoint)) === 0, 'the gone subscriptions deleted');
    expect(await api.json('GET', '/api/push/subscription', undefined, bob.token)).toEqual({ subscribed: false, privatePreviews: false });

    // Signing out ends the session and with it the device's subscription, at once.
    const device = await subscribe(alice);
    expect(await subscriptionCount(device.endpoint)).toBe(1);
    const res = await api.request('POST', '/api/auth/logout', undefined, alice.token, alice.cookie);
    expect(res.status).toBe(204);
    expect(await subscriptionCount(device.endpoint)).toBe(0);
    // Ending a session from another device does the same.
    const otherDevice = await anotherDevice(bob);
    const phone = await subscribe(otherDevice);
    const sessions = await api.json<{ sessions: { id: string; current: boolean }[] }>('GET', '/api/account/sessions', undefined, bob.token);
    const phoneSession = sessions.sessions.find((s) => !s.current)!;
    expect((await api.request('DELETE', `/api/account/sessions/${phoneSession.id}`, undefined, bob.token)).status).toBe(204);
    expect(await subscriptionCount(phone.endpoint)).toBe(0);
    // A password change signs the other sessions out, and their devices with them; deleting the account, every device.
    const carolPhone = await subscribe(await anotherDevice(carol));
    const carolDesk = await subscribe(carol);
    await api.json('POST', '/api/account/password', { currentPassword: carol.password, newPassword: `new ${crypto.randomUUID()}` }, carol.token);
    expect(await subscriptionCount(carolPhone.endpoint)).toBe(0);
    expect(await subscriptionCount(carolDesk.endpoint)).toBe(1);
    const bobDesk = await subscribe(bob);
    expect(await subscriptionCount(bobDesk.endpoint)).toBe(1);
    expect((await api.request('DELETE', '/api/account', { password: bob.password }, bob.token)).status).toBe(204);
    const { rows } = await db.query<{ n: string }>('select count(*) as n from push_subscriptions where user_id = $1', [bob.id]);
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it('rings a device by push (high urgency, a short TTL) and closes it once the call is answered on another', async () => {
    const [alice, bob] = await Promise.all([person('alice'), person('bob')]);
    const roomId = await api.openDirect(alice, bob);
    const bobPhone = await anotherDevice(bob);
    const phone = await subscribe(bobPhone);
    const caller = await connectAs(api, alice, roomId);
    const bobDesk = await connectAs(api, bob, roomId); // a room socket (not the inbox): the desk answers
    const callId = crypto.randomUUID();
    caller.send({ type: 'call_start', callId, media: 'video' });
    const ring = await push.next((p) => p.deviceId === phone.id && p.payload.kind === 'call', 15_000, 'the ring push');
    expect(ring.payload).toEqual({ v: 1, kind: 'call', callId, roomId, url: `/chat/${roomId}`, private: false, title: `${alice.displayName} is calling`, body: 'Incoming video call' });
    expect(ring.urgency).toBe('high');
    expect(ring.ttl).toBe(30);

    await bobDesk.inbox.next('call_state', (f) => f.call.id === callId && f.call.status === 'ringing');
    bobDesk.send({ type: 'call_accept', callId });
    const end = await push.next((p) => p.deviceId === phone.id && p.payload.kind === 'call_end', 15_000, 'the stop-ringing push');
    expect(end.payload).toEqual({ v: 1, kind: 'call_end', callId, roomId });
    expect(end.topic).toBe(ring.topic); // an undelivered ring is replaced by its end
    caller.send({ type: 'call_hangup', callId });
    expect(push.problems).toEqual([]);
  });

  it('a push service that never answers costs the sender nothing: the push times out and is counted as a failure', async () => {
    const [alice, bob] = await Promise.all([person('alice'), person('bob')]);
    const roomId = await api.openDirect(alice, bob);
    const stuck = await subscribe(bob);
    push.answer(stuck, 'hang');
    const socket = await connectAs(api, alice, roomId);
    for (let i = 0; i < 3; i++) {
      const clientId = `hang-${i}`;
      socket.send({ type: 'send', clientId, content: `are you there ${i} ${PRIVATE_MARKER}` });
      await socket.inbox.next('ack', (f) => f.clientId === clientId);
    }
    await push.next((p) => p.deviceId === stuck.id, 15_000, 'the push that hangs');
    // PUSH_TIMEOUT_MS is 3 s in the tests: the inbox gives up, and the subscription stays with a failure counted.
    await waitFor(async () => {
      const { rows } = await db.query<{ failures: number }>('select failures from push_subscriptions where endpoint = $1', [stuck.endpoint]);
      return (rows[0]?.failures ?? 0) >= 1;
    }, 'the timed-out push counted');
    expect(await subscriptionCount(stuck.endpoint)).toBe(1);
    socket.close();
  });
});
