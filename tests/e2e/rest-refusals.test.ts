/**
 * REST refusals over real HTTP: every one is a 4xx with `{ error: { code,
 * message } }` JSON, and no response body ever carries a stack trace.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueName, type TestUser } from '../support/api';
import { directPair, e2eApi, expectError } from '../support/e2e';

const api = e2eApi();

let alice: TestUser;
let carol: TestUser;
let roomId: string;

beforeAll(async () => {
  ({ alice, roomId } = await directPair(api));
  carol = await api.register('carol');
});

function registration(overrides: Record<string, unknown> = {}) {
  const username = uniqueName('reg');
  return { username, email: `${username}@example.test`, password: `pw-${crypto.randomUUID()}`, ...overrides };
}

const register = (body: unknown) => api.request('POST', '/api/auth/register', body);
const login = (body: unknown) => api.request('POST', '/api/auth/login', body);

describe('registration refusals', () => {
  it('refuses a duplicate username (409) and a duplicate email (409), whatever their case', async () => {
    const first = registration();
    expect((await register(first)).status).toBe(201);

    const sameName = registration({ username: first.username });
    expect((await expectError(await register(sameName), 409, 'conflict')).message).toMatch(/username/);
    const sameNameUpper = registration({ username: first.username.toUpperCase() });
    await expectError(await register(sameNameUpper), 409, 'conflict');

    const sameEmail = registration({ email: first.email });
    expect((await expectError(await register(sameEmail), 409, 'conflict')).message).toMatch(/email/);
    const sameEmailUpper = registration({ email: first.email.toUpperCase() });
    await expectError(await register(sameEmailUpper), 409, 'conflict');

    // Only the first account exists: the original credentials still sign in.
    expect((await login({ login: first.username, password: first.password })).status).toBe(200);
  });

  it.each([
    ['no username', { username: undefined }, 'username'],
    ['no email', { email: undefined }, 'email'],
    ['no password', { password: undefined }, 'password'],
    ['a short username', { username: 'ab' }, 'username'],
    ['a username with spaces', { username: 'bad name' }, 'username'],
    ['an invalid email', { email: 'not-an-email' }, 'email'],
    ['a short password', { password: 'short1' }, 'password'],
    ['a common password', { password: 'password123' }, 'password'],
    ['a repeated-character password', { password: 'aaaaaaaaaaaa' }, 'password'],
    ['a password longer than 72 bytes', { password: 'é'.repeat(40) }, 'password'],
    ['a non-string password', { password: 12345678 }, 'password'],
    ['an unknown field', { isAdmin: true }, 'isAdmin'],
  ])('refuses %s (400)', async (_what, overrides, field) => {
    const body = Object.fromEntries(Object.entries(registration(overrides)).filter(([, v]) => v !== undefined));
    const error = await expectError(await register(body), 400, 'bad_request');
    expect(error.message).toContain(field);
  });

  it('refuses a password that contains the username (400)', async () => {
    const body = registration();
    body.password = `x${body.username}1`;
    expect((await expectError(await register(body), 400, 'bad_request')).message).toMatch(/password/);
  });

  it.each([
    ['malformed JSON', '{"username": "x",'],
    ['an empty body', ''],
    ['a JSON array', '[]'],
    ['JSON null', 'null'],
    ['a JSON string', '"hello"'],
  ])('refuses %s as a body (400)', async (_what, raw) => {
    await expectError(await register(raw), 400, 'bad_request');
    await expectError(await login(raw), 400, 'bad_request');
  });
});

describe('sign-in refusals', () => {
  it('refuses a wrong password and an unknown user alike (401, same message)', async () => {
    const user = await api.register('dave');
    const wrong = await expectError(await login({ login: user.username, password: `${user.password}x` }), 401, 'unauthorized');
    const unknown = await expectError(await login({ login: uniqueName('ghost'), password: user.password }), 401, 'unauthorized');
    expect(unknown).toEqual(wrong);
    const unknownEmail = await expectError(await login({ login: 'ghost@example.test', password: user.password }), 401);
    expect(unknownEmail).toEqual(wrong);
    // And the right password still works.
    expect((await login({ login: user.username, password: user.password })).status).toBe(200);
  });

  it('refuses a login without its fields (400)', async () => {
    await expectError(await login({ login: alice.username }), 400, 'bad_request');
    await expectError(await login({ password: alice.password }), 400, 'bad_request');
  });

  it('refuses /api/me without a token or with a bad one (401)', async () => {
    await expectError(await api.request('GET', '/api/me'), 401, 'unauthorized');
    for (const token of ['garbage', 'a.b.c', `${alice.token}x`, alice.token.split('.').slice(0, 2).join('.')]) {
      await expectError(await api.request('GET', '/api/me', undefined, token), 401, 'unauthorized');
    }
    const basic = await fetch(`${api.baseUrl}/api/me`, { headers: { authorization: `Basic ${btoa('a:b')}` } });
    await expectError(basic, 401, 'unauthorized');
    // The control: the same request with the real token is fine.
    expect((await api.request('GET', '/api/me', undefined, alice.token)).status).toBe(200);
  });
});

describe('room refusals', () => {
  it("refuses the history of a room I am not a member of (403), and every other room route's", async () => {
    await expectError(await api.request('GET', `/api/rooms/${roomId}/messages`, undefined, carol.token), 403, 'forbidden');
    await expectError(await api.request('GET', `/api/rooms/${roomId}`, undefined, carol.token), 403, 'forbidden');
    await expectError(await api.request('POST', `/api/rooms/${roomId}/ws-ticket`, undefined, carol.token), 403, 'forbidden');
    // A well-formed id of no room at all looks the same as someone else's room.
    await expectError(await api.request('GET', `/api/rooms/${crypto.randomUUID()}/messages`, undefined, alice.token), 403, 'forbidden');
    expect((await api.request('GET', `/api/rooms/${roomId}/messages`, undefined, alice.token)).status).toBe(200);
  });

  it('refuses a malformed room id or history query (400)', async () => {
    for (const bad of ['not-a-uuid', '1', `${roomId}x`, "'%20or%201=1--"]) {
      await expectError(await api.request('GET', `/api/rooms/${bad}/messages`, undefined, alice.token), 400, 'bad_request');
    }
    for (const query of ['?limit=0', '?limit=201', '?limit=abc', '?before=0', '?before=-5', '?before=1.5', '?before=1e400']) {
      await expectError(await api.request('GET', `/api/rooms/${roomId}/messages${query}`, undefined, alice.token), 400, 'bad_request');
    }
  });

  it('refuses room routes without a token (401)', async () => {
    await expectError(await api.request('GET', '/api/rooms'), 401, 'unauthorized');
    await expectError(await api.request('GET', `/api/rooms/${roomId}/messages`), 401, 'unauthorized');
    await expectError(await api.request('POST', '/api/rooms/direct', { username: carol.username }), 401, 'unauthorized');
  });

  it('refuses a DM with nobody, with myself, or with a malformed name', async () => {
    await expectError(await api.request('POST', '/api/rooms/direct', { username: uniqueName('nobody') }, alice.token), 404, 'not_found');
    await expectError(await api.request('POST', '/api/rooms/direct', { username: alice.username }, alice.token), 400, 'bad_request');
    await expectError(await api.request('POST', '/api/rooms/direct', {}, alice.token), 400, 'bad_request');
  });
});

describe('unknown endpoints', () => {
  it.each([
    ['GET', '/api/nope'],
    ['POST', '/api/auth/nope'],
    ['GET', '/api/rooms/x/y/z'],
    ['DELETE', '/api/me'],
  ])('%s %s is a 404 JSON error', async (method, path) => {
    await expectError(await api.request(method, path, undefined, alice.token), 404, 'not_found');
  });
});
