/**
 * Credential stuffing and owner lock-out (issue 20 #5), against `wrangler dev` and
 * PostgreSQL: failed sign-ins are limited per address across every login name and per
 * account, and a browser the account signed in on before (its device cookie) is limited
 * on its own, so strangers' failures cannot lock the owner out. worker/auth/login-limits.ts.
 */
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../support/api';
import { e2eApi } from '../support/e2e';
import { expectStillRefused, sendUntilRefused, type RateSpec } from '../support/rate-limit';

const api = e2eApi();
/** A fresh client address per test: Cloudflare sets CF-Connecting-IP in production, wrangler dev passes it on. */
const freshAddress = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`;

async function login(login: string, password: string, address: string, cookie?: string) {
  const res = await fetch(`${api.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: api.origin, 'cf-connecting-ip': address, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ login, password }),
  });
  // Read whole, so no connection is left open; the body stays readable for the limit checks.
  return new Response(await res.arrayBuffer(), { status: res.status, headers: res.headers });
}

const deviceCookieOf = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('edge_chat_device='))?.split(';')[0];

// The production defaults (durable-objects/shared/env.ts), which the app under test runs with.
const ADDRESS_LIMIT: RateSpec = { burst: 30, perMinute: 10 };
const ACCOUNT_LIMIT: RateSpec = { burst: 20, perMinute: 5 };
const DEVICE_LIMIT: RateSpec = { burst: 10, perMinute: 5 };

describe('credential stuffing: failed sign-ins per address, across login names', () => {
  it('answers 429 after 30 failures from one address, whatever names are tried; another address is unaffected', async () => {
    const address = freshAddress();
    const exhausted = await sendUntilRefused(ADDRESS_LIMIT, 401, (i) => login(uniqueName(`stuffed${i}`), 'password-from-a-leak', address));
    await expectStillRefused(exhausted, () => login(uniqueName('one-more'), 'password-from-a-leak', address), [401]);
    const owner = await api.register('elsewhere');
    expect((await login(owner.username, owner.password, freshAddress())).status).toBe(200);
  });

  it('counts failures only: an address signing in successfully many times is never limited', async () => {
    const address = freshAddress();
    const owner = await api.register('busy');
    for (let i = 0; i < 32; i++) expect((await login(owner.username, owner.password, address)).status).toBe(200);
  });
});

describe('owner lock-out: a device the account signed in on before has its own limit', () => {
  it('lets the owner in from their device after strangers spent the account\'s limit; untrusted devices wait', async () => {
    const owner = await api.register('owner');
    const first = await login(owner.username, owner.password, freshAddress());
    expect(first.status).toBe(200);
    const device = deviceCookieOf(first);
    expect(device).toBeDefined();
    expect(first.headers.getSetCookie().find((c) => c.startsWith('edge_chat_device='))).toMatch(/HttpOnly; Secure; SameSite=Strict/i);

    // Wrong passwords from a new address each time, until the account's limit for untrusted devices is spent.
    const spent = await sendUntilRefused(ACCOUNT_LIMIT, 401, () => login(owner.username, 'wrong-guess', freshAddress()));
    await expectStillRefused(spent, () => login(owner.username, owner.password, freshAddress()), [200]);
    // The owner's browser still signs in, from any address.
    expect((await login(owner.username, owner.password, freshAddress(), device)).status).toBe(200);

    // A device cookie is bound to its account: it buys nothing for another one.
    const other = await api.register('other');
    const otherSpent = await sendUntilRefused(ACCOUNT_LIMIT, 401, () => login(other.username, 'wrong-guess', freshAddress()));
    await expectStillRefused(otherSpent, () => login(other.username, other.password, freshAddress(), device), [200]);

    // Guessing with a stolen device cookie is limited per device.
    await sendUntilRefused(DEVICE_LIMIT, 401, () => login(owner.username, 'wrong-guess', freshAddress(), device));
  });
});
