/**
 * The attacks of issue 10, performed against `wrangler dev` and PostgreSQL, each
 * asserted refused (the browser half of login CSRF is tests/browser/csrf.test.ts).
 * docs/security.md maps each defence to where it lives.
 */
import net from 'node:net';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startApp } from '../../scripts/lib/app-server';
import { freePort } from '../../scripts/lib/free-port';
import { uniqueName, type TestUser } from '../support/api';
import { appInfo } from '../support/app';
import { connectAs, connectInboxAs, directPair, e2eApi, expectError, until } from '../support/e2e';
import { expectStillRefused, sendUntilRefused } from '../support/rate-limit';
import { closeAllSockets, refusedUpgrade, type TestSocket } from '../support/ws-client';

const api = e2eApi();
afterEach(closeAllSockets);

async function withDatabase<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: appInfo().databaseUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * The server closed the socket: its close frame arrived. (Node's ws reports `close` only once
 * the TCP connection ends, which wrangler dev's proxy may delay; CLOSING means the frame came.)
 */
async function closedByServer(socket: TestSocket): Promise<void> {
  await until(() => socket.ws.readyState !== WebSocket.OPEN, 10_000, 'the server closing the socket');
}

const refreshWith = (cookie: string) => api.request('POST', '/api/auth/refresh', undefined, undefined, cookie);
const cookieOf = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0]!;

describe('1. login CSRF: state-changing requests need an allowed Origin and a JSON body', () => {
  it('refuses a text/plain form body (valid JSON) with no refresh cookie set, and any foreign or missing Origin', async () => {
    const victim = await api.register('csrf');
    const body = JSON.stringify({ login: victim.username, password: victim.password });
    const { baseUrl, origin } = appInfo();
    // What a form on another site sends: text/plain, the attacker's Origin.
    const forged = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'http://evil.test' },
      body,
    });
    await expectError(forged, 403, 'forbidden');
    expect(forged.headers.get('set-cookie')).toBeNull();
    // Even from the app's own origin, a text/plain body is refused (a same-site form).
    const plain = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'text/plain', origin }, body });
    await expectError(plain, 415, 'unsupported_media_type');
    expect(plain.headers.get('set-cookie')).toBeNull();
    // No Origin at all (a client that hides it) is refused too.
    const anonymous = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await expectError(anonymous, 403, 'forbidden');
    // Logout forced from another site does nothing either.
    const logout = await fetch(`${baseUrl}/api/auth/logout`, { method: 'POST', headers: { origin: 'http://evil.test', cookie: victim.cookie } });
    await expectError(logout, 403);
    expect((await refreshWith(victim.cookie)).status).toBe(200);
    // The control: the app's own JSON request signs in.
    const ok = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body });
    expect(ok.status).toBe(200);
  });
});

/** Rings `callee` from `caller`'s socket with `callId`; resolves to the first call_state or error the caller gets. */
async function startCall(socket: TestSocket, callId: string) {
  socket.send({ type: 'call_start', callId, media: 'voice' });
  return socket.inbox.nextOf(['call_state', 'error'], 10_000);
}

async function callLog(user: TestUser, roomId: string) {
  return (await api.json<{ calls: { id: string; status: string; startedAt: string | null; roomId: string }[] }>('GET', `/api/rooms/${roomId}/calls`, undefined, user.token)).calls;
}

describe('2 and 5. calls: ids are not trusted, and groups do not ring', () => {
  it("refuses a call id already used in another room, leaving that room's log entry untouched", async () => {
    const first = await directPair(api);
    const callId = crypto.randomUUID();
    const alice = await connectAs(api, first.alice, first.roomId);
    expect(await startCall(alice, callId)).toMatchObject({ type: 'call_state', call: { id: callId, status: 'ringing' } });
    alice.send({ type: 'call_hangup', callId });
    await alice.inbox.next('call_state', (f) => f.call.status === 'missed');
    const before = await callLog(first.alice, first.roomId);
    expect(before).toEqual([expect.objectContaining({ id: callId, status: 'missed', startedAt: null })]);

    // Mallory, in a room of her own, reuses the id, accepts her own call and ends it.
    const second = await directPair(api);
    const mallory = await connectAs(api, second.alice, second.roomId);
    const accomplice = await connectAs(api, second.bob, second.roomId);
    const refused = await startCall(mallory, callId);
    expect(refused).toMatchObject({ type: 'error', code: 'forbidden' });
    accomplice.send({ type: 'call_accept', callId });
    expect(await accomplice.inbox.next('error')).toMatchObject({ code: 'not_found' });

    expect(await callLog(first.alice, first.roomId)).toEqual(before);
    expect(await callLog(second.alice, second.roomId)).toEqual([]);
    // A fresh id works, and gets its own entry in its own room.
    const fresh = crypto.randomUUID();
    expect(await startCall(mallory, fresh)).toMatchObject({ type: 'call_state', call: { id: fresh, roomId: second.roomId } });
    mallory.send({ type: 'call_hangup', callId: fresh });
    await mallory.inbox.next('call_state', (f) => f.call.status === 'missed');
    expect((await callLog(second.alice, second.roomId)).map((c) => c.id)).toEqual([fresh]);
  });

  it('refuses to ring in a group, even one of exactly two members', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const roomId = await api.createGroup(ann, 'Two of us', [ben]);
    const socket = await connectAs(api, ann, roomId);
    const answer = await startCall(socket, crypto.randomUUID());
    expect(answer).toMatchObject({ type: 'error', code: 'forbidden' });
    expect((answer as { message: string }).message).toMatch(/group/);
    expect(await callLog(ann, roomId)).toEqual([]);
  });
});

describe('4. a group always keeps an admin', () => {
  it('two admins leaving at the same moment leave the last member as admin (10 races)', async () => {
    for (let round = 0; round < 10; round++) {
      const [ann, ben, cal] = [await api.register('ann'), await api.register('ben'), await api.register('cal')];
      const roomId = await api.createGroup(ann, 'Race', [ben, cal]);
      await api.json('PATCH', `/api/groups/${roomId}/members/${ben.id}`, { role: 'admin' }, ann.token);
      const leaves = await Promise.all(
        [ann, ben].map((u) => api.request('POST', `/api/groups/${roomId}/leave`, undefined, u.token)),
      );
      expect(leaves.map((r) => r.status)).toEqual([204, 204]);
      const room = await api.json('GET', `/api/rooms/${roomId}`, undefined, cal.token);
      expect(room.room.members).toEqual([expect.objectContaining({ userId: cal.id, role: 'admin' })]);
    }
  });

  it('two admins demoting each other at the same moment: one of them stays admin', async () => {
    for (let round = 0; round < 5; round++) {
      const [ann, ben] = [await api.register('ann'), await api.register('ben')];
      const roomId = await api.createGroup(ann, 'Duel', [ben]);
      await api.json('PATCH', `/api/groups/${roomId}/members/${ben.id}`, { role: 'admin' }, ann.token);
      const results = await Promise.all([
        api.request('PATCH', `/api/groups/${roomId}/members/${ben.id}`, { role: 'member' }, ann.token),
        api.request('PATCH', `/api/groups/${roomId}/members/${ann.id}`, { role: 'member' }, ben.token),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, expect.any(Number)]);
      const room = await api.json('GET', `/api/rooms/${roomId}`, undefined, ann.token);
      expect(room.room.members.filter((m: { role: string }) => m.role === 'admin')).toHaveLength(1);
    }
  });
});

describe('6 and 7. sessions: logout ends REST access; refresh tokens rotate and a reused one ends the session', () => {
  it('refuses the access token on REST as soon as its session logs out', async () => {
    const ann = await api.register('ann');
    expect((await api.request('GET', '/api/me', undefined, ann.token)).status).toBe(200);
    expect((await api.request('POST', '/api/auth/logout', undefined, undefined, ann.cookie)).status).toBe(204);
    await expectError(await api.request('GET', '/api/me', undefined, ann.token), 401, 'unauthorized');
    await expectError(await api.request('GET', '/api/rooms', undefined, ann.token), 401, 'unauthorized');
  });

  it('rotates the refresh token, and a stolen old one revokes the whole session', async () => {
    const ann = await api.register('ann');
    const first = await refreshWith(ann.cookie);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const { token } = (await first.json()) as { token: string };
    const rotated = cookieOf(first);
    expect(rotated).toMatch(/^edge_chat_refresh=/);
    expect(rotated).not.toBe(ann.cookie);
    // A second tab presenting the same old cookie at the same moment is served, without a new cookie.
    const concurrent = await refreshWith(ann.cookie);
    expect(concurrent.status).toBe(200);
    expect(concurrent.headers.get('set-cookie')).toBeNull();
    // Later, the old token comes back (an attacker's copy): as if a minute had passed.
    await withDatabase((db) => db.query(`update retired_refresh_tokens set retired_at = now() - interval '1 minute'`));
    const reuse = await refreshWith(ann.cookie);
    expect(reuse.headers.get('set-cookie')).toMatch(/edge_chat_refresh=;/);
    await expectError(reuse, 401, 'unauthorized');
    // The whole session is over: the legitimate cookie and its access tokens too.
    await expectError(await refreshWith(rotated), 401, 'unauthorized');
    await expectError(await api.request('GET', '/api/me', undefined, token), 401, 'unauthorized');
    // Other sessions of the same person are not affected.
    expect((await api.request('POST', '/api/auth/login', { login: ann.username, password: ann.password })).status).toBe(200);
  });

  it('closes the sockets of a session whose refresh token was reused', async () => {
    const { alice, roomId } = await directPair(api);
    const socket = await connectAs(api, alice, roomId);
    const next = cookieOf(await refreshWith(alice.cookie));
    expect(next).toMatch(/^edge_chat_refresh=/);
    await withDatabase((db) => db.query(`update retired_refresh_tokens set retired_at = now() - interval '1 minute'`));
    expect((await refreshWith(alice.cookie)).status).toBe(401);
    await closedByServer(socket);
  });
});

describe('8. presence privacy and blocking', () => {
  it('shows no presence to a stranger who opens a direct chat, until both have written', async () => {
    const [ann, stranger] = [await api.register('ann'), await api.register('stranger')];
    const annInbox = await connectInboxAs(api, ann);
    const roomId = await api.openDirect(stranger, ann);
    const strangerInbox = await connectInboxAs(api, stranger);
    expect(strangerInbox.ready.contacts).toEqual([]);
    expect(await annInbox.inbox.none('contact_presence')).toHaveLength(0);
    expect(await strangerInbox.inbox.none('contact_presence')).toHaveLength(0);

    // A message from the stranger alone is not enough.
    const strangerRoom = await connectAs(api, stranger, roomId);
    strangerRoom.send({ type: 'send', clientId: 'hi', content: 'hi' });
    await strangerRoom.inbox.next('ack');
    strangerInbox.close();
    expect((await connectInboxAs(api, stranger)).ready.contacts).toEqual([]);

    // Once Ann answers, each sees the other.
    const annRoom = await connectAs(api, ann, roomId);
    annRoom.send({ type: 'send', clientId: 'hello', content: 'hello' });
    await annRoom.inbox.next('ack');
    const again = await connectInboxAs(api, stranger);
    expect(again.ready.contacts).toEqual([expect.objectContaining({ userId: ann.id, online: true })]);
  });

  it('blocking: no direct chat, no socket, no call and no presence, both ways', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const groupId = await api.createGroup(ann, 'Shared', [ben]);
    const roomId = await api.openDirect(ben, ann);
    const benRoom = await connectAs(api, ben, roomId);
    const benInbox = await connectInboxAs(api, ben);
    expect(benInbox.ready.contacts).toEqual([expect.objectContaining({ userId: ann.id })]);

    expect((await api.request('PUT', `/api/blocks/${ben.username}`, undefined, ann.token)).status).toBe(204);
    await closedByServer(benRoom);
    expect((await benInbox.inbox.next('contact_presence')).contact).toEqual({ userId: ann.id, online: false, lastSeenAt: null });
    // Ben (blocked) and Ann (blocker) alike: no new direct chat, no ticket, no socket.
    await expectError(await api.request('POST', '/api/rooms/direct', { username: ann.username }, ben.token), 403, 'forbidden');
    await expectError(await api.request('POST', `/api/rooms/${roomId}/ws-ticket`, undefined, ben.token), 403, 'forbidden');
    await expectError(await api.request('POST', `/api/rooms/${roomId}/ws-ticket`, undefined, ann.token), 403, 'forbidden');
    const upgrade = await refusedUpgrade(api.baseUrl, roomId, { token: ben.token, origin: api.origin });
    expect(upgrade.status).toBe(403);
    // Sharing a group shows no presence either way now.
    expect((await connectInboxAs(api, ben)).ready.contacts).toEqual([]);
    expect((await connectInboxAs(api, ann)).ready.contacts).toEqual([]);
    // Nor can Ben add Ann to a group.
    await expectError(await api.request('POST', '/api/groups', { name: 'Again', members: [ann.username] }, ben.token), 403, 'forbidden');
    expect((await api.json('GET', '/api/blocks', undefined, ann.token)).blocked).toEqual([expect.objectContaining({ id: ben.id })]);
    void groupId;

    // Unblocking restores the direct chat.
    expect((await api.request('DELETE', `/api/blocks/${ben.username}`, undefined, ann.token)).status).toBe(204);
    expect((await api.request('POST', `/api/rooms/${roomId}/ws-ticket`, undefined, ben.token)).status).toBe(200);
  });
});

describe('9. removal is a ban for invite links; invites expire', () => {
  it('refuses a removed member who comes back with a live invite link, until an admin adds them', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const roomId = await api.createGroup(ann, 'Club', [ben]);
    const { invite } = await api.json('POST', `/api/groups/${roomId}/invites`, {}, ann.token);
    const week = Date.now() + 7 * 24 * 3_600_000;
    expect(Math.abs(Date.parse(invite.expiresAt) - week)).toBeLessThan(60_000);
    await api.json('DELETE', `/api/groups/${roomId}/members/${ben.id}`, undefined, ann.token);
    const back = await api.request('POST', `/api/invites/${invite.token}/accept`, undefined, ben.token);
    await expectError(back, 403, 'forbidden');
    // Removed, Ben keeps only a read-only view of the group as it was (docs/api.md, former members).
    expect((await api.json('GET', `/api/rooms/${roomId}`, undefined, ben.token)).room.former?.reason).toBe('removed');
    // Others still join with the link; an admin can add Ben back deliberately.
    const cal = await api.register('cal');
    expect((await api.json('POST', `/api/invites/${invite.token}/accept`, undefined, cal.token)).joined).toBe(true);
    await api.json('POST', `/api/groups/${roomId}/members`, { username: ben.username }, ann.token);
    expect((await api.json('GET', `/api/rooms/${roomId}`, undefined, ben.token)).room.former).toBeNull();
  });

  it('expires an invite made without an expiry once its default lifetime is over', async () => {
    const ann = await api.register('ann');
    const roomId = await api.createGroup(ann, 'Old', []);
    const { invite } = await api.json('POST', `/api/groups/${roomId}/invites`, {}, ann.token);
    await withDatabase((db) => db.query(`update room_invites set expires_at = now() - interval '1 second' where id = $1`, [invite.id]));
    const late = await api.register('late');
    await expectError(await api.request('POST', `/api/invites/${invite.token}/accept`, undefined, late.token), 404, 'not_found');
  });
});

describe('10. rate limits that follow the account, not the address', () => {
  it('limits sign-in attempts per account across many addresses', async () => {
    const ann = await api.register('ann');
    const login = (i: number, password: string) =>
      fetch(`${api.baseUrl}/api/auth/login`, {
        method: 'POST',
        // A different address each time (Cloudflare sets this header in production).
        headers: { 'content-type': 'application/json', origin: api.origin, 'cf-connecting-ip': `198.51.100.${i + 1}` },
        body: JSON.stringify({ login: i % 2 ? ann.username : ann.email!, password }),
      });
    // LOGIN_ACCOUNT_RATE_LIMIT: a burst of 20 wrong passwords per account, then one every 12 s.
    const exhausted = await sendUntilRefused({ burst: 20, perMinute: 5 }, 401, (i) => login(i, 'wrong-password'));
    // From yet another address, with the right password: still refused.
    await expectStillRefused(exhausted, () => login(100, ann.password), [200]);
  });

  it('limits how fast one person can be added to groups by others', async () => {
    const [victim, spammer] = [await api.register('victim'), await api.register('spammer')];
    // GROUP_ADD_RATE_LIMIT: 10 at once, then 2 a minute.
    const { allowed } = await sendUntilRefused({ burst: 10, perMinute: 2 }, 201, (i) =>
      api.request('POST', '/api/groups', { name: `Spam ${i}`, members: [victim.username] }, spammer.token),
    );
    expect((await api.json('GET', '/api/rooms', undefined, victim.token)).rooms).toHaveLength(allowed);
  });

  it('limits directory searches per user', async () => {
    const walker = await api.register('walker');
    // USER_SEARCH_RATE_LIMIT: a burst of 60, then one every 2 s.
    await sendUntilRefused({ burst: 60, perMinute: 30 }, 200, (i) => api.request('GET', `/api/users?q=a${i}`, undefined, walker.token));
    await expectError(await api.request('GET', '/api/users?q=a&limit=50', undefined, (await api.register('other')).token), 400);
  });
});

describe('11. oversized bodies are refused while streaming', () => {
  it('answers 413 to a chunked body past the limit without waiting for the rest', async () => {
    const ann = await api.register('ann');
    const { hostname, port } = new URL(api.baseUrl);
    const socket = net.connect(Number(port), hostname);
    const reply = new Promise<string>((resolve, reject) => {
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes('\r\n\r\n')) resolve(text);
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
    });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      [
        'POST /api/groups HTTP/1.1',
        `Host: ${hostname}:${port}`,
        `Origin: ${api.origin}`,
        'Content-Type: application/json',
        `Authorization: Bearer ${ann.token}`,
        'Transfer-Encoding: chunked',
        '',
        '',
      ].join('\r\n'),
    );
    // 32 KiB in 8 KiB chunks, then the body stalls for ever (no terminating chunk): only a
    // server that stops reading at the limit can answer.
    const chunk = `{"name":"${'x'.repeat(8 * 1024 - 9)}`;
    for (let i = 0; i < 4; i++) socket.write(`${Buffer.byteLength(chunk).toString(16)}\r\n${chunk}\r\n`);
    const started = Date.now();
    const head = await Promise.race([reply, new Promise<string>((r) => setTimeout(() => r('no answer within 10 s'), 10_000))]);
    socket.destroy();
    // wrangler dev's local proxy answers the request after an abandoned upload with a 503 ("worker
    // restarted mid-request"); wait until it is through that, so the next test starts clean.
    for (let i = 0; i < 60 && (await api.request('POST', '/api/auth/refresh')).status !== 401; i++) {
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(head).toMatch(/^HTTP\/1\.1 413 /);
    expect(head).toMatch(/payload_too_large|content-type: application\/json/i);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('11. frames above the platform limit of 1 MiB close the socket, as on Cloudflare', () => {
  it('closes an inbox socket sent a frame over 1 MiB; a smaller bad frame only gets an error', async () => {
    const ann = await api.register('ann');
    const inbox = await connectInboxAs(api, ann);
    inbox.ws.send('x'.repeat(100 * 1024));
    expect(await inbox.inbox.next('error')).toMatchObject({ code: 'bad_frame' });
    expect(inbox.ws.readyState).toBe(WebSocket.OPEN);
    inbox.ws.send('x'.repeat(1024 * 1024 + 1));
    await until(() => inbox.ws.readyState !== WebSocket.OPEN, 10_000, 'the server closing the socket');
    expect(await inbox.inbox.none('error', 300)).toHaveLength(0);
  });
});

describe('12. embed origins are origins, nothing else', () => {
  it.each(['https://a.test;script-src *', 'https://a.test,https://b.test', "https://'unsafe-inline'", 'https://*.a.test', '*', 'https://a.test/x'])(
    'refuses %s (400) and keeps it out of the CSP',
    async (origin) => {
      const ann = await api.register('ann');
      const roomId = await api.createGroup(ann, 'Embed', []);
      await expectError(await api.request('PUT', `/api/groups/${roomId}/embed-origins`, { origins: [origin] }, ann.token), 400, 'bad_request');
      const page = await fetch(`${api.baseUrl}/embed/${roomId}`);
      expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'self'$/);
    },
  );

  it('accepts a plain origin and writes exactly it into frame-ancestors', async () => {
    const ann = await api.register('ann');
    const roomId = await api.createGroup(ann, 'Embed', []);
    await api.json('PUT', `/api/groups/${roomId}/embed-origins`, { origins: ['https://blog.example:8443'] }, ann.token);
    const page = await fetch(`${api.baseUrl}/embed/${roomId}`);
    expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'self' https:\/\/blog\.example:8443$/);
  });
});

describe('13. display names cannot impersonate', () => {
  it('refuses text-direction and invisible characters and folds look-alike forms', async () => {
    const register = (displayName: string) => {
      const username = uniqueName('disp');
      return api.request('POST', '/api/auth/register', { username, email: `${username}@example.test`, password: `pw-${crypto.randomUUID()}`, displayName });
    };
    await expectError(await register('admin\u202Enimda'), 400, 'bad_request');
    await expectError(await register('ad\u200Bmin'), 400, 'bad_request');
    await expectError(await register('@support'), 400, 'bad_request');
    const folded = await register('Ｓｕｐｐｏｒｔ   Team');
    expect(folded.status).toBe(201);
    expect(((await folded.json()) as { user: { displayName: string } }).user.displayName).toBe('Support Team');
  });
});

describe('14. security headers', () => {
  it('sends nosniff on every kind of response, and no-store on token responses', async () => {
    const ann = await api.register('ann');
    const roomId = await api.createGroup(ann, 'Headers', []);
    const responses = await Promise.all([
      fetch(`${api.baseUrl}/api/health`),
      fetch(`${api.baseUrl}/api/nope`),
      fetch(`${api.baseUrl}/login`),
      fetch(`${api.baseUrl}/favicon.svg`),
      api.request('POST', `/api/rooms/${roomId}/ws-ticket`, undefined, ann.token),
      api.request('POST', '/api/auth/login', { login: ann.username, password: ann.password }),
    ]);
    for (const res of responses) expect(res.headers.get('x-content-type-options'), res.url).toBe('nosniff');
    for (const res of responses.slice(4)) expect(res.headers.get('cache-control')).toBe('no-store');
    // Over plain HTTP (local) no HSTS: browsers would ignore it; production is HTTPS (unit-tested there).
    expect(responses[0]!.headers.get('strict-transport-security')).toBeNull();
  });
});

describe('15. /api/health reports a misconfiguration', () => {
  let stop: (() => Promise<void>) | undefined;
  afterAll(async () => stop?.());

  it('answers 503 naming JWT_SECRET when it is too short, where it used to say ok', async () => {
    const port = await freePort();
    const app = await startApp({
      port,
      vars: { DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused', JWT_SECRET: 'tiny-secret-value' },
      readyStatuses: [200, 503],
    });
    stop = () => app.stop();
    const res = await fetch(`${app.baseUrl}/api/health`);
    const error = await expectError(res, 503, 'misconfigured');
    expect(error.message).toMatch(/JWT_SECRET/);
    expect(error.message).not.toContain('tiny-secret-value');
    // And the healthy app under test still says ok.
    expect(await (await fetch(`${api.baseUrl}/api/health`)).json()).toEqual({ ok: true });
  });
});
