/**
 * JWT_SECRET rotation against the running Worker (docs/deploy.md): the app under
 * test runs with JWT_SECRET_PREVIOUS set, as mid-rotation. Its tokens name the
 * current key; tokens of the previous key still open the same session; tokens
 * of any other key do not.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_JWT_SECRET, TEST_JWT_SECRET_PREVIOUS } from '../../scripts/lib/test-settings';
import { signAccessToken, signingKey } from '../../durable-objects/shared/tokens';
import type { TestUser } from '../support/api';
import { e2eApi, expectError } from '../support/e2e';

const api = e2eApi();
let alice: TestUser;

beforeAll(async () => {
  alice = await api.register('alice');
});

/** An access token for alice's own session, signed with `secret`. */
function aliceTokenSignedWith(secret: string) {
  const claims = decodeJwt(alice.token);
  return signAccessToken({ current: secret }, { id: claims.sub!, username: claims.name as string, sessionId: claims.sid as string }, 60);
}

describe('JWT key rotation', () => {
  it('signs with the current key and names it in the kid header', async () => {
    expect(decodeProtectedHeader(alice.token).kid).toBe((await signingKey(TEST_JWT_SECRET)).kid);
  });

  it('accepts a token of the previous key for the same session, and refuses one of an unknown key', async () => {
    const previous = await aliceTokenSignedWith(TEST_JWT_SECRET_PREVIOUS);
    const me = await api.request('GET', '/api/me', undefined, previous);
    expect(me.status).toBe(200);
    expect((await me.json()) as unknown).toMatchObject({ user: { id: alice.id } });

    const unknown = await aliceTokenSignedWith('an-attackers-guess-at-a-secret-0123456789-abcdef');
    await expectError(await api.request('GET', '/api/me', undefined, unknown), 401, 'unauthorized');
  });
});
