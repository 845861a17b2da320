/**
 * Sign-in people trust (issue 23 #2–4) in Chromium: confirming the email from the sign-up
 * mail, "Forgot password" through to signing in with the new one, enrolling an authenticator
 * app from its QR code and signing in with a code or a recovery code, and passkeys with
 * Chromium's virtual authenticator (DevTools WebAuthn domain: CTAP2, resident keys, user
 * verification) — registered on the account page, signing in with no username, a captured
 * sign-in answer refused the second time, removed.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eApi } from '../support/e2e';
import { allowConsoleErrors, browserPerFile, closeAll, PASSWORD, signedIn } from '../support/browser';
import { linkToken, waitForMail } from '../support/mailbox';
import { freshStep, totpCode } from '../support/totp';
import { uniqueName } from '../support/api';

const env = browserPerFile();
const emailOf = (username: string) => `${username}@example.test`;

async function signInWithPassword(page: Page, username: string, password: string) {
  await page.goto(`${env.baseUrl}/login`);
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByTestId('login-submit').click();
}

describe('email', () => {
  it('reminds until the address is confirmed from the sign-up mail', async () => {
    const me = await signedIn(env.browser, 'confirm', 'Con Firm');
    await me.page.getByTestId('email-reminder').waitFor();
    const token = linkToken(await waitForMail(emailOf(me.username), /confirm your email/i), '/verify-email');
    await me.page.goto(`${env.baseUrl}/verify-email#token=${token}`);
    await me.page.getByTestId('verify-email-status').getByText('is confirmed').waitFor();
    // The token left the address bar once read.
    expect(me.page.url()).toBe(`${env.baseUrl}/verify-email`);
    await me.page.goto(`${env.baseUrl}/chat/account`);
    await me.page.getByTestId('email-verified').waitFor();
    await expect.poll(() => me.page.getByTestId('email-reminder').count()).toBe(0);
    await closeAll(me);
  });

  it('resets a forgotten password from the mailed link and signs in with the new one', async () => {
    // The reset ends this browser's session on purpose: its next requests are refused.
    allowConsoleErrors(/status of 401 .*\/api\//);
    const me = await signedIn(env.browser, 'forgot', 'For Got');
    const ctx = await env.browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${env.baseUrl}/login`);
    await page.getByTestId('forgot-password-link').click();
    // The sign-in page stays until the next page's module has loaded: its "Username or email"
    // box must not take the address meant for this form.
    await page.getByTestId('forgot-form').waitFor();
    await page.getByLabel('Email', { exact: true }).fill(emailOf(me.username));
    await page.getByTestId('forgot-submit').click();
    await page.getByTestId('reset-requested').waitFor();
    const token = linkToken(await waitForMail(emailOf(me.username), /reset your/i), '/reset-password');
    await page.goto(`${env.baseUrl}/reset-password#token=${token}`);
    await page.getByLabel('New password').fill('a fresh and long passphrase');
    await page.getByTestId('reset-submit').click();
    await page.getByTestId('password-reset-done').waitFor();
    // The other browser was signed out with every other session: its next refresh is refused.
    const refreshed = await me.page.evaluate(async () => (await fetch('/api/auth/refresh', { method: 'POST', headers: { 'content-type': 'application/json' } })).status);
    expect(refreshed).toBe(401);
    await signInWithPassword(page, me.username, 'a fresh and long passphrase');
    await page.waitForURL('**/chat');
    await closeAll(me);
    await ctx.close();
  });
});

describe('two-step sign-in', () => {
  it('enrols from the QR code, then asks for a code, or a recovery code, after the password', async () => {
    const me = await signedIn(env.browser, 'totp', 'Tee Otp', { path: '/chat/account' });
    await me.page.getByTestId('two-step-start').click();
    await me.page.getByTestId('two-step-password').fill(PASSWORD);
    await me.page.getByTestId('two-step-password-submit').click();
    const qr = me.page.getByTestId('totp-qr');
    await qr.waitFor();
    expect(await qr.locator('path').getAttribute('d')).toMatch(/^M\d+ \d+h1v1h-1z/);
    const secret = (await me.page.getByTestId('totp-secret').textContent())!;
    await freshStep();
    await me.page.getByTestId('totp-enrol-code').fill(totpCode(secret));
    await me.page.getByTestId('totp-enrol-submit').click();
    await me.page.getByTestId('recovery-codes').waitFor();
    const codes = await me.page.getByTestId('recovery-codes').locator('li').allTextContents();
    expect(codes).toHaveLength(10);
    await me.page.getByTestId('recovery-codes-done').click();
    await me.page.getByTestId('two-step-status').getByText('10 recovery codes left').waitFor();

    allowConsoleErrors(/status of 401 .*\/api\/auth\/login\/second-step$/); // the wrong code, on purpose
    const ctx = await env.browser.newContext();
    const page = await ctx.newPage();
    await signInWithPassword(page, me.username, PASSWORD);
    await page.getByTestId('second-step-form').waitFor();
    await page.getByTestId('second-step-code').fill('000000');
    await page.getByTestId('second-step-submit').click();
    await page.getByTestId('second-step-error').getByText('not right').waitFor();
    await freshStep();
    await page.getByTestId('second-step-code').fill(totpCode(secret, 1));
    await page.getByTestId('second-step-submit').click();
    await page.waitForURL('**/chat');
    await ctx.close();

    const other = await env.browser.newContext();
    const page2 = await other.newPage();
    await signInWithPassword(page2, me.username, PASSWORD);
    await page2.getByTestId('second-step-switch').click();
    await page2.getByLabel('Recovery code').fill(codes[0]!);
    await page2.getByTestId('second-step-submit').click();
    await page2.waitForURL('**/chat');
    await other.close();
    await closeAll(me);
  });
});

/** A signed-in context on http://localhost:<port> (WebAuthn refuses IP addresses as relying-party ids), with a virtual authenticator. */
async function onLocalhostWithAuthenticator(): Promise<{ ctx: BrowserContext; page: Page; origin: string; username: string }> {
  const origin = env.baseUrl.replace('127.0.0.1', 'localhost');
  const username = uniqueName('passkey');
  const res = await e2eApi().request('POST', '/api/auth/register', { username, email: emailOf(username), password: PASSWORD, displayName: 'Pass Key' });
  expect(res.status).toBe(201);
  const [name, ...rest] = (res.headers.get('set-cookie') ?? '').split(';')[0]!.split('=');
  const ctx = await env.browser.newContext();
  await ctx.addCookies([{ name: name!, value: rest.join('='), url: `${origin}/api/auth`, httpOnly: true, secure: true, sameSite: 'Strict' }]);
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { ctx, page, origin, username };
}

describe('passkeys', () => {
  it('registers on the account page, signs in with no username, and a removed passkey no longer works', async () => {
    allowConsoleErrors(/status of 401 .*\/api\/auth\/passkey$/); // the replayed answer and the removed passkey, on purpose
    const { ctx, page, origin } = await onLocalhostWithAuthenticator();
    await page.goto(`${origin}/chat/account`);
    await page.getByTestId('passkey-add').click();
    await page.getByTestId('passkey-name').fill('Test laptop');
    await page.getByTestId('passkey-password').fill(PASSWORD);
    await page.getByTestId('passkey-add-submit').click();
    await page.getByTestId('passkey').getByText('Test laptop').waitFor();

    // Signed out (cookies gone), the login page signs in with the passkey alone: no username, no code.
    await ctx.clearCookies();
    await page.goto(`${origin}/login`);
    await page.getByTestId('passkey-sign-in').click();
    await page.waitForURL('**/chat');
    await page.getByTestId('me-name').getByText('Pass Key').waitFor();

    // A sign-in answer captured once is refused the second time: its challenge is spent.
    const replay = await page.evaluate(async () => {
      const post = (path: string, body?: unknown) =>
        fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const { options } = await (await post('/api/auth/passkey/options')).json();
      const credential = (await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) })) as PublicKeyCredential;
      const response = credential.toJSON();
      const first = await post('/api/auth/passkey', { response });
      const second = await post('/api/auth/passkey', { response });
      return { first: first.status, second: second.status, message: (await second.json()).error.message as string };
    });
    expect(replay).toEqual({ first: 200, second: 401, message: expect.stringMatching(/expired or was already used/) });

    await page.goto(`${origin}/chat/account`);
    await page.getByTestId('passkey-remove').click();
    await expect.poll(() => page.getByTestId('passkey').count()).toBe(0);
    await ctx.clearCookies();
    await page.goto(`${origin}/login`);
    await page.getByTestId('passkey-sign-in').click();
    await page.getByTestId('form-error').getByText('not registered').waitFor();
    await ctx.close();
  });
});
