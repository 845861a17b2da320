/**
 * Every way a WebSocket upgrade must be refused, seen by a real client: the
 * handshake fails with the HTTP status of the refusal and a JSON error body.
 * Each refusal sits next to a control that succeeds with the same ingredients,
 * so a refusal can only be due to the one thing that is wrong.
 */
import { SignJWT, decodeJwt, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../support/api';
import { appInfo } from '../support/app';
import { connectAs, directPair, e2eApi, expectError, expectNoLeak } from '../support/e2e';
import { closeAllSockets, connectSocket, refusedUpgrade, type UpgradeOptions } from '../support/ws-client';

const api = e2eApi();
const { jwtSecret, allowedOrigin } = appInfo();
afterAll(closeAllSockets);

let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let roomId: string;

beforeAll(async () => {
  ({ alice, bob, roomId } = await directPair(api));
  carol = await api.register('carol');
});

const base64url = (text: string) => Buffer.from(text).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** Re-signs the claims of a real token (access or ticket) with changes: same subject, session, audience, ids. */
function mint(from: string, opts: { exp: number; iat?: number; secret?: string; alg?: string }): Promise<string> {
  const claims = decodeJwt(from) as JWTPayload;
  const { iss, aud, sub, exp: _exp, iat: _iat, ...rest } = claims;
  return new SignJWT(rest)
    .setProtectedHeader({ alg: opts.alg ?? 'HS256', typ: 'JWT' })
    .setIssuer(iss!)
    .setAudience(aud as string)
    .setSubject(sub!)
    .setIssuedAt(opts.iat ?? now())
    .setExpirationTime(opts.exp)
    .sign(new TextEncoder().encode(opts.secret ?? jwtSecret));
}

/** Expects the upgrade to be refused with `status` and a clean `{ error }` body. */
async function expectRefused(opts: UpgradeOptions, status: number, room = roomId) {
  const refusal = await refusedUpgrade(api.baseUrl, room, opts);
  expect(refusal.status, refusal.body).toBe(status);
  expectNoLeak(refusal.body);
  expect(refusal.json?.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
  return refusal.json!.error!;
}

async function expectAccepted(opts: UpgradeOptions, room = roomId) {
  const socket = await connectSocket(api.baseUrl, room, opts);
  expect(socket.ready.roomId).toBe(room);
  await socket.close();
  return socket;
}

describe('WebSocket upgrade refusals', () => {
  it('refuses an upgrade without any credential (401)', async () => {
    const error = await expectRefused({ origin: api.origin }, 401);
    expect(error.code).toBe('unauthorized');
    expect(error.message).toMatch(/credential/);
  });

  it('accepts the access token as ?token= and as a Bearer header (controls for the token refusals)', async () => {
    expect((await expectAccepted({ token: alice.token, origin: api.origin })).ready.userId).toBe(alice.id);
    expect((await expectAccepted({ bearer: bob.token, origin: api.origin })).ready.userId).toBe(bob.id);
    // A token minted here from the same claims is accepted too: the mint below is faithful.
    const fresh = await mint(alice.token, { exp: now() + 300 });
    expect((await expectAccepted({ token: fresh, origin: api.origin })).ready.userId).toBe(alice.id);
  });

  it('refuses an expired access token (401), in the URL and in the header, and over REST', async () => {
    const expired = await mint(alice.token, { iat: now() - 3600, exp: now() - 60 });
    expect((await expectRefused({ token: expired, origin: api.origin }, 401)).message).toMatch(/expired/);
    await expectRefused({ bearer: expired, origin: api.origin }, 401);
    await expectError(await api.request('GET', '/api/me', undefined, expired), 401, 'unauthorized');
  });

  it('refuses a token signed with another key (401)', async () => {
    const forged = await mint(alice.token, { exp: now() + 300, secret: 'another-secret-that-is-long-enough-0123456789' });
    const error = await expectRefused({ token: forged, origin: api.origin }, 401);
    expect(error.message).toMatch(/invalid/);
    await expectRefused({ bearer: forged, origin: api.origin }, 401);
    await expectError(await api.request('GET', '/api/me', undefined, forged), 401, 'unauthorized');
  });

  it('refuses an unsigned `alg: none` token (401)', async () => {
    const claims = { ...decodeJwt(alice.token), iat: now(), exp: now() + 300 };
    for (const header of [{ alg: 'none', typ: 'JWT' }, { alg: 'none' }, { alg: 'None', typ: 'JWT' }]) {
      const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}.`;
      await expectRefused({ token: unsigned, origin: api.origin }, 401);
      await expectError(await api.request('GET', '/api/me', undefined, unsigned), 401, 'unauthorized');
    }
  });

  it('refuses a token signed with the right secret but another algorithm (401: the algorithm is pinned)', async () => {
    const hs512 = await mint(alice.token, { exp: now() + 300, alg: 'HS512' });
    await expectRefused({ token: hs512, origin: api.origin }, 401);
  });

  it('refuses a ticket used twice (401), and a ticket or token in the wrong place (401)', async () => {
    const ticket = await api.ticket(alice, roomId);
    await expectAccepted({ ticket, origin: api.origin });
    const error = await expectRefused({ ticket, origin: api.origin }, 401);
    expect(error.message).toMatch(/used/);
    // A ticket is not an access token, nor the other way round.
    await expectRefused({ token: await api.ticket(alice, roomId), origin: api.origin }, 401);
    await expectRefused({ ticket: alice.token, origin: api.origin }, 401);
    await expectError(await api.request('GET', '/api/me', undefined, await api.ticket(alice, roomId)), 401, 'unauthorized');
  });

  it('refuses an expired ticket (401)', async () => {
    const ticket = await api.ticket(alice, roomId);
    const expired = await mint(ticket, { iat: now() - 120, exp: now() - 60 });
    expect((await expectRefused({ ticket: expired, origin: api.origin }, 401)).message).toMatch(/expired/);
    // The control: the same claims, still valid, are accepted (once).
    await expectAccepted({ ticket: await mint(ticket, { exp: now() + 30 }), origin: api.origin });
  });

  it('refuses a ticket issued for another room (401)', async () => {
    const otherRoom = await api.openDirect(alice, carol);
    const ticketForOther = await api.ticket(alice, otherRoom);
    const error = await expectRefused({ ticket: ticketForOther, origin: api.origin }, 401);
    expect(error.message).toMatch(/another room/);
    // Still good where it belongs: refusing it elsewhere did not spend it.
    await expectAccepted({ ticket: ticketForOther, origin: api.origin }, otherRoom);
  });

  it('refuses a non-member (403), with a token and at the ticket endpoint', async () => {
    const error = await expectRefused({ token: carol.token, origin: api.origin }, 403);
    expect(error.code).toBe('forbidden');
    await expectRefused({ bearer: carol.token, origin: api.origin }, 403);
    await expectError(await api.request('POST', `/api/rooms/${roomId}/ws-ticket`, undefined, carol.token), 403, 'forbidden');
  });

  it('refuses a disallowed Origin (403) and accepts an allowed foreign one', async () => {
    const ticket = await api.ticket(alice, roomId);
    for (const origin of ['http://evil.test', 'null', `${api.origin}.evil.test`, api.origin.replace('http:', 'https:')]) {
      const error = await expectRefused({ ticket, origin }, 403);
      expect(error.message).toMatch(/origin/i);
    }
    // The refusals happened before the ticket was looked at: it still works from an allowed origin.
    await expectAccepted({ ticket, origin: allowedOrigin });
  });

  it('answers a plain GET on the socket endpoint with 426', async () => {
    const res = await fetch(`${api.baseUrl}/ws/rooms/${roomId}?token=${alice.token}`, { headers: { origin: api.origin } });
    await expectError(res, 426, 'upgrade_required');
  });

  it('refuses a malformed room id or catch-up point (400)', async () => {
    await expectRefused({ token: alice.token, origin: api.origin }, 400, 'not-a-room');
    await expectRefused({ token: alice.token, origin: api.origin, rawQuery: 'after=-1' }, 400);
    await expectRefused({ token: alice.token, origin: api.origin, rawQuery: 'after=abc' }, 400);
    // Connecting properly still works afterwards.
    expect((await connectAs(api, alice, roomId)).ready.userId).toBe(alice.id);
  });
});
