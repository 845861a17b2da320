/**
 * CORS on the API: an allowed origin gets Access-Control-Allow-Origin (echoing
 * it, never `*`), preflights included; any other origin gets no CORS grant, so a
 * browser on that origin cannot read the response.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../support/api';
import { appInfo } from '../support/app';
import { e2eApi } from '../support/e2e';

const api = e2eApi();
const { allowedOrigin, origin: ownOrigin } = appInfo();
const FOREIGN = ['http://evil.test', 'null', `${allowedOrigin}.evil.test`, allowedOrigin.replace('http:', 'https:')];

let alice: TestUser;
beforeAll(async () => {
  alice = await api.register('cors');
});

function preflight(origin: string, path = '/api/auth/login', method = 'POST', headers = 'content-type, authorization') {
  return fetch(`${api.baseUrl}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
  });
}

function get(origin: string, path = '/api/me') {
  return fetch(`${api.baseUrl}${path}`, { headers: { origin, authorization: `Bearer ${alice.token}` } });
}

describe('CORS', () => {
  it.each([allowedOrigin, ownOrigin])('grants a preflight and a GET from the allowed origin %s', async (origin) => {
    const pre = await preflight(origin);
    expect(pre.status).toBeLessThan(300);
    expect(pre.headers.get('access-control-allow-origin')).toBe(origin);
    expect(pre.headers.get('access-control-allow-methods') ?? '').toMatch(/POST/);
    expect((pre.headers.get('access-control-allow-headers') ?? '').toLowerCase()).toMatch(/authorization/);
    expect((pre.headers.get('vary') ?? '').toLowerCase()).toMatch(/origin/);

    const res = await get(origin);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(((await res.json()) as { user: { id: string } }).user.id).toBe(alice.id);
  });

  it.each(FOREIGN)('grants nothing to the foreign origin %s', async (origin) => {
    const pre = await preflight(origin);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const res = await get(origin);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    // Error responses carry no grant either.
    const refused = await fetch(`${api.baseUrl}/api/me`, { headers: { origin } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('puts the grant on error responses for an allowed origin, so the app can read them', async () => {
    const res = await fetch(`${api.baseUrl}/api/me`, { headers: { origin: allowedOrigin } });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowedOrigin);
  });

  it('never answers with a wildcard or with credentials for everyone', async () => {
    for (const origin of [allowedOrigin, ...FOREIGN]) {
      const res = await preflight(origin, '/api/rooms', 'GET', 'authorization');
      expect(res.headers.get('access-control-allow-origin')).not.toBe('*');
    }
  });
});
