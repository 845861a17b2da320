/**
 * Two-step sign-in (issue 23 #3) against `wrangler dev` and PostgreSQL: TOTP enrolment, the
 * ±1 step window, replay refused, recovery codes used once, the second step under the sign-in
 * limits, and its token. Codes are made here with `otpauth` from the secret the app handed out,
 * as an authenticator app would. worker/two-step/.
 */
import { SignJWT } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../support/api';
import { appInfo } from '../support/app';
import { e2eApi, expectError } from '../support/e2e';
import { expectStillRefused, sendUntilRefused, type RateSpec } from '../support/rate-limit';
import { freshStep, totpCode } from '../support/totp';

const api = e2eApi();
const freshAddress = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`;
const ACCOUNT_LIMIT: RateSpec = { burst: 20, perMinute: 5 };
let db: pg.Client;
beforeAll(async () => {
  db = new pg.Client({ connectionString: appInfo().databaseUrl });
  await db.connect();
});
afterAll(() => db.end());

async function post(path: string, body: unknown, address = freshAddress()) {
  const res = await fetch(`${api.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: api.origin, 'cf-connecting-ip': address },
    body: JSON.stringify(body),
  });
  return new Response(await res.arrayBuffer(), { status: res.status, headers: res.headers });
}

const codeAt = totpCode;

async function enrol(user: TestUser, offset = 0): Promise<{ secret: string; recoveryCodes: string[] }> {
  const { secret, uri } = await api.json<{ secret: string; uri: string }>('POST', '/api/account/two-step/setup', { password: user.password }, user.token);
  expect(uri).toMatch(new RegExp(`^otpauth://totp/edge-chat:${user.username}\\?.*secret=${secret}`));
  await freshStep();
  const { recoveryCodes } = await api.json<{ recoveryCodes: string[] }>('POST', '/api/account/two-step/enable', { code: codeAt(secret, offset) }, user.token);
  return { secret, recoveryCodes };
}

async function passwordStep(user: TestUser, address?: string): Promise<string> {
  const res = await post('/api/auth/login', { login: user.username, password: user.password }, address);
  expect(res.status).toBe(200);
  expect(res.headers.getSetCookie().some((c) => c.startsWith('edge_chat_refresh='))).toBe(false);
  const body = (await res.json()) as { secondStep?: { token: string; methods: string[] }; token?: string };
  expect(body.token).toBeUndefined();
  expect(body.secondStep?.methods).toEqual(['totp', 'recovery_code']);
  return body.secondStep!.token;
}

const secondStep = (token: string, proof: { code: string } | { recoveryCode: string }, address?: string) =>
  post('/api/auth/login/second-step', { token, ...proof }, address);

describe('enrolment', () => {
  it('needs the password, a current code, and gives ten recovery codes stored hashed; the secret is sealed at rest', async () => {
    const user = await api.register('totp');
    await expectError(await api.request('POST', '/api/account/two-step/setup', { password: 'not-it' }, user.token), 403, 'wrong_password');
    const { secret } = await api.json<{ secret: string }>('POST', '/api/account/two-step/setup', { password: user.password }, user.token);
    await freshStep();
    await expectError(await api.request('POST', '/api/account/two-step/enable', { code: codeAt(secret, 3) }, user.token), 400, 'wrong_code');
    expect(await api.json('GET', '/api/account/two-step', undefined, user.token)).toEqual({ enabled: false, recoveryCodesLeft: 0 });
    const { recoveryCodes } = await api.json<{ recoveryCodes: string[] }>('POST', '/api/account/two-step/enable', { code: codeAt(secret, 0) }, user.token);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
    expect(await api.json('GET', '/api/account/two-step', undefined, user.token)).toEqual({ enabled: true, recoveryCodesLeft: 10 });

    const { rows } = await db.query('select totp_secret from users where id = $1', [user.id]);
    expect(rows[0].totp_secret).toMatch(/^v1\./);
    expect(rows[0].totp_secret).not.toContain(secret);
    const hashes = await db.query('select code_hash from recovery_codes where user_id = $1', [user.id]);
    expect(hashes.rows).toHaveLength(10);
    for (const { code_hash } of hashes.rows) expect(recoveryCodes.map((c) => c.replace(/-/g, ''))).not.toContain(code_hash);
  });
});

describe('the second step', () => {
  it('accepts the next step (+1), refuses a replay and any step already passed', async () => {
    const user = await api.register('replay');
    const { secret } = await enrol(user, 0);
    await freshStep();
    // The enrolment used this step's code: it is spent.
    await expectError(await secondStep(await passwordStep(user), { code: codeAt(secret, 0) }), 401);
    const next = await secondStep(await passwordStep(user), { code: codeAt(secret, 1) });
    expect(next.status).toBe(200);
    const session = (await next.json()) as { token: string; user: { id: string } };
    expect(session.user.id).toBe(user.id);
    expect(next.headers.getSetCookie().some((c) => c.startsWith('edge_chat_refresh='))).toBe(true);
    // The same code again, and an earlier step's: refused.
    await expectError(await secondStep(await passwordStep(user), { code: codeAt(secret, 1) }), 401);
    await expectError(await secondStep(await passwordStep(user), { code: codeAt(secret, -1) }), 401);
  });

  it('accepts the previous step (-1) and refuses two steps away either side', async () => {
    const user = await api.register('window');
    const { secret } = await enrol(user, -1); // enrolled with the previous step's code
    await freshStep();
    const token = await passwordStep(user);
    await expectError(await secondStep(token, { code: codeAt(secret, 2) }), 401);
    await expectError(await secondStep(token, { code: codeAt(secret, -2) }), 401);
    await expectError(await secondStep(token, { code: 'abcdef' }), 401);
    expect((await secondStep(token, { code: codeAt(secret, 0) })).status).toBe(200);
  });

  it('takes each recovery code once, typed in any case and without dashes', async () => {
    const user = await api.register('recovery');
    const { recoveryCodes } = await enrol(user);
    const [first, second] = recoveryCodes as [string, string];
    expect((await secondStep(await passwordStep(user), { recoveryCode: first })).status).toBe(200);
    await expectError(await secondStep(await passwordStep(user), { recoveryCode: first }), 401);
    expect((await secondStep(await passwordStep(user), { recoveryCode: second.replace(/-/g, '').toUpperCase() })).status).toBe(200);
    expect(await api.json('GET', '/api/account/two-step', undefined, user.token)).toEqual({ enabled: true, recoveryCodesLeft: 8 });
    // New codes replace the old ones.
    const { recoveryCodes: renewed } = await api.json<{ recoveryCodes: string[] }>('POST', '/api/account/two-step/recovery-codes', { password: user.password }, user.token);
    await expectError(await secondStep(await passwordStep(user), { recoveryCode: recoveryCodes[2]! }), 401);
    expect((await secondStep(await passwordStep(user), { recoveryCode: renewed[0]! })).status).toBe(200);
  });

  it('refuses an expired or foreign token', async () => {
    const user = await api.register('expired');
    const { secret } = await enrol(user);
    const key = new TextEncoder().encode(appInfo().jwtSecret);
    const sign = (aud: string, exp: number) =>
      new SignJWT({ ctx: 'app' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('edge-chat').setAudience(aud).setSubject(user.id).setIssuedAt().setExpirationTime(exp).sign(key);
    await freshStep();
    const expired = await sign('second-step', Math.floor(Date.now() / 1000) - 1);
    await expectError(await secondStep(expired, { code: codeAt(secret, 1) }), 401);
    await expectError(await secondStep(user.token, { code: codeAt(secret, 1) }), 401);
    await expectError(await secondStep(await sign('login-device', Math.floor(Date.now() / 1000) + 60), { code: codeAt(secret, 1) }), 401);
  });

  it('counts wrong codes against the account’s sign-in limit, from any address; then even a right code waits', async () => {
    const user = await api.register('guess');
    const { secret } = await enrol(user);
    const token = await passwordStep(user);
    const spent = await sendUntilRefused(ACCOUNT_LIMIT, 401, () => secondStep(token, { code: '000000' }, freshAddress()));
    await freshStep();
    await expectStillRefused(spent, () => secondStep(token, { code: codeAt(secret, 1) }, freshAddress()), [200]);
  });

  it('turned off with the password, the password alone signs in again', async () => {
    const user = await api.register('off');
    await enrol(user);
    await expectError(await api.request('DELETE', '/api/account/two-step', { password: 'nope' }, user.token), 403);
    expect((await api.request('DELETE', '/api/account/two-step', { password: user.password }, user.token)).status).toBe(204);
    const res = await post('/api/auth/login', { login: user.username, password: user.password });
    expect(((await res.json()) as { token?: string }).token).toEqual(expect.any(String));
    const { rows } = await db.query('select totp_secret, (select count(*)::int from recovery_codes where user_id = $1) as codes from users where id = $1', [user.id]);
    expect(rows[0]).toEqual({ totp_secret: null, codes: 0 });
  });
});
