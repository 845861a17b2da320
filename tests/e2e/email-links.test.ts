/**
 * Email verification and password reset (issue 23 #4) against `wrangler dev` and PostgreSQL;
 * the mail is read from the .eml files wrangler's simulated `send_email` binding writes
 * (tests/support/mailbox.ts). worker/email-links/.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appInfo } from '../support/app';
import { e2eApi, expectError } from '../support/e2e';
import { linkToken, mailTo, waitForMail } from '../support/mailbox';
import { testEmail } from '../support/private-marker';
import { uniqueName } from '../support/api';

const api = e2eApi();
const freshAddress = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`;
let db: pg.Client;
beforeAll(async () => {
  db = new pg.Client({ connectionString: appInfo().databaseUrl });
  await db.connect();
});
afterAll(() => db.end());

const post = (path: string, body: unknown, address = freshAddress()) =>
  fetch(`${api.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: api.origin, 'cf-connecting-ip': address },
    body: JSON.stringify(body),
  });
const requestReset = (email: string, address?: string) => post('/api/auth/password-reset/request', { email }, address);
const refreshWith = (cookie: string) => api.request('POST', '/api/auth/refresh', undefined, undefined, cookie);
const me = (token: string) => api.json<{ account: { emailVerified: boolean } }>('GET', '/api/me', undefined, token);

describe('email verification', () => {
  it('mails a link at sign-up; the account works before; the link verifies once', async () => {
    const user = await api.register('verify');
    expect((await me(user.token)).account.emailVerified).toBe(false);
    const mail = await waitForMail(user.email!, /confirm your email/i);
    expect(mail.from).toBe('no-reply@edge-chat.localhost');
    const token = linkToken(mail, '/verify-email');
    expect(mail.text).toContain(`${api.baseUrl}/verify-email#token=`);

    const first = await post('/api/auth/verify-email', { token });
    expect(first.status).toBe(200);
    expect((await me(user.token)).account.emailVerified).toBe(true);
    await expectError(await post('/api/auth/verify-email', { token }), 400, 'invalid_link');
    // Verified: asking for another mail sends none.
    expect(await api.json('POST', '/api/account/email/verification', undefined, user.token)).toEqual({ alreadyVerified: true });
  });

  it('refuses a made-up token and sends a fresh link on request', async () => {
    const user = await api.register('resend');
    await expectError(await post('/api/auth/verify-email', { token: 'x'.repeat(43) }), 400, 'invalid_link');
    await waitForMail(user.email!, /confirm your email/i);
    expect((await api.request('POST', '/api/account/email/verification', undefined, user.token)).status).toBe(202);
    const second = await waitForMail(user.email!, /confirm your email/i, 2);
    expect((await post('/api/auth/verify-email', { token: linkToken(second, '/verify-email') })).status).toBe(200);
  });
});

describe('password reset', () => {
  it('answers a known and an unknown address alike; only the owner gets mail', async () => {
    const user = await api.register('forgot');
    const unknown = testEmail(uniqueName('nobody'));
    const known = await requestReset(user.email!);
    const none = await requestReset(unknown);
    expect(known.status).toBe(202);
    expect(none.status).toBe(202);
    expect(await known.text()).toBe(await none.text());
    expect([...known.headers.keys()].sort()).toEqual([...none.headers.keys()].sort());
    const mail = await waitForMail(user.email!, /reset your/i);
    expect(mail.text).toMatch(/30 minutes/);
    // The unknown address got nothing (the known one's mail was written, so the binding has run by now for both).
    expect(mailTo(unknown)).toHaveLength(0);
  });

  it('sets the new password, signs out every session, and the link works once', async () => {
    const user = await api.register('reset');
    const other = await api.request('POST', '/api/auth/login', { login: user.username, password: user.password });
    const otherCookie = (other.headers.get('set-cookie') ?? '').split(';')[0]!;
    await requestReset(user.email!);
    const token = linkToken(await waitForMail(user.email!, /reset your/i), '/reset-password');

    const weak = await post('/api/auth/password-reset', { token, password: `${user.username}1` });
    await expectError(weak, 400);
    const res = await post('/api/auth/password-reset', { token, password: 'a-brand-new-passphrase' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ signedOutSessions: 2 });
    expect((await refreshWith(user.cookie)).status).toBe(401);
    expect((await refreshWith(otherCookie)).status).toBe(401);
    expect((await api.request('GET', '/api/me', undefined, user.token)).status).toBe(401);
    expect((await api.request('POST', '/api/auth/login', { login: user.username, password: user.password })).status).toBe(401);
    expect((await api.request('POST', '/api/auth/login', { login: user.username, password: 'a-brand-new-passphrase' })).status).toBe(200);
    // Used: the same link again is refused, and the reset verified the address it reached.
    await expectError(await post('/api/auth/password-reset', { token, password: 'yet-another-passphrase' }), 400, 'invalid_link');
    const { rows } = await db.query('select email_verified_at from users where id = $1', [user.id]);
    expect(rows[0].email_verified_at).not.toBeNull();
  });

  it('voids the older links once one is used, and refuses an expired link', async () => {
    const user = await api.register('expiry');
    await requestReset(user.email!);
    await requestReset(user.email!);
    const older = linkToken(await waitForMail(user.email!, /reset your/i, 1), '/reset-password');
    const newer = linkToken(await waitForMail(user.email!, /reset your/i, 2), '/reset-password');
    expect((await post('/api/auth/password-reset', { token: newer, password: 'first-new-passphrase' })).status).toBe(200);
    await expectError(await post('/api/auth/password-reset', { token: older, password: 'second-new-passphrase' }), 400, 'invalid_link');

    await requestReset(user.email!);
    const late = linkToken(await waitForMail(user.email!, /reset your/i, 3), '/reset-password');
    // 31 minutes later, as far as the link is concerned.
    const moved = await db.query(
      `update email_tokens set expires_at = expires_at - interval '31 minutes', created_at = created_at - interval '31 minutes'
       where user_id = $1 and purpose = 'reset' and used_at is null returning expires_at`,
      [user.id],
    );
    expect(moved.rowCount).toBe(1);
    expect(new Date(moved.rows[0].expires_at).getTime()).toBeLessThan(Date.now());
    await expectError(await post('/api/auth/password-reset', { token: late, password: 'third-new-passphrase' }), 400, 'invalid_link');
    const { rows } = await db.query(`select count(*)::int as n from email_tokens where user_id = $1 and purpose = 'reset' and token_hash like '%'`, [user.id]);
    expect(rows[0].n).toBe(3);
  });

  it('stores only hashes of the tokens', async () => {
    const user = await api.register('hashed');
    await requestReset(user.email!);
    const token = linkToken(await waitForMail(user.email!, /reset your/i), '/reset-password');
    const { rows } = await db.query('select token_hash from email_tokens where user_id = $1', [user.id]);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.token_hash).not.toBe(token);
  });

  it('limits requests per address whether or not an account has it (429 for both, alike)', async () => {
    const user = await api.register('flood');
    const unknown = testEmail(uniqueName('ghost'));
    const statuses = { known: [] as number[], unknown: [] as number[] };
    for (let i = 0; i < 8; i++) {
      statuses.known.push((await requestReset(user.email!)).status);
      statuses.unknown.push((await requestReset(unknown)).status);
    }
    expect(statuses.known).toEqual(statuses.unknown);
    expect(statuses.known.slice(0, 5)).toEqual([202, 202, 202, 202, 202]);
    expect(statuses.known.at(-1)).toBe(429);
  });
});
