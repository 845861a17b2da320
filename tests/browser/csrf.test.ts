/**
 * Login CSRF in a real browser: a page on another site (its own loopback port, so its own
 * origin) submits a text/plain form whose body is valid JSON with the attacker's credentials
 * to /api/auth/login. Chromium sends it as a top-level navigation, with the attacker's Origin;
 * the app must refuse it and set no refresh cookie, so the victim is not signed in as the
 * attacker when they next open the app.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appInfo } from '../support/app';
import { uniqueName } from '../support/api';
import { e2eApi } from '../support/e2e';
import { allowConsoleErrors, launchBrowser } from '../support/browser';

let browser: Browser;
let server: http.Server | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  if (server) await new Promise((r) => server!.close(r));
  await browser?.close();
});

/** The attacker's site: a form that posts itself to `action` as text/plain on load. */
async function attackerSite(action: string, login: string, passwordWithoutLastChar: string): Promise<string> {
  // text/plain encodes `name=value`: the "=" lands inside the JSON string, at the end of the password.
  const name = JSON.stringify({ login, password: passwordWithoutLastChar }).slice(0, -2);
  const html =
    `<!doctype html><title>Free prizes</title>` +
    `<form id="f" method="POST" enctype="text/plain" action="${action}">` +
    `<input type="hidden" name='${name}' value='"}'></form>` +
    `<script>document.getElementById('f').submit()</script>`;
  server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(html);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('login CSRF', () => {
  it('refuses a cross-site text/plain form login and leaves the victim signed out', async () => {
    // The forged login is refused (403); the browser then shows that answer and asks it for /favicon.ico.
    allowConsoleErrors(/status of 403 .*\/api\/auth\/login$/, /status of 404 .*\/favicon\.ico$/);
    const { baseUrl } = appInfo();
    const api = e2eApi();
    // The attacker's own account; its password ends in "=" so the form body is exactly valid JSON.
    const login = uniqueName('attacker');
    const password = `attacker-${crypto.randomUUID()}=`;
    const registered = await api.request('POST', '/api/auth/register', { username: login, email: `${login}@example.test`, password });
    expect(registered.status).toBe(201);
    const site = await attackerSite(`${baseUrl}/api/auth/login`, login, password.slice(0, -1));

    const victim = await browser.newContext();
    const page = await victim.newPage();
    const answered = page.waitForResponse((res) => res.url() === `${baseUrl}/api/auth/login`);
    await page.goto(site);
    const response = await answered;
    const request = response.request();
    // The attack really was the one described: text/plain, from the attacker's origin, body valid JSON.
    expect(request.headers()['content-type']).toBe('text/plain');
    expect(JSON.parse(request.postData() ?? '')).toEqual({ login, password });
    expect(response.status()).toBe(403);
    expect(await response.headerValue('set-cookie')).toBeNull();
    expect((await victim.cookies(baseUrl)).map((c) => c.name)).not.toContain('edge_chat_refresh');

    // The victim opens the app: not signed in (as anyone), so they land on the sign-in page.
    await page.goto(`${baseUrl}/chat`);
    await page.waitForURL('**/login**');
    await victim.close();

    // The control: the same credentials as the app's own JSON request do sign in.
    const ok = await api.request('POST', '/api/auth/login', { login, password });
    expect(ok.status).toBe(200);
  });
});
