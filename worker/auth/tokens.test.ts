import { SignJWT, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { signAccessToken, signingKey, signWsTicket, type JwtKeys } from '../../durable-objects/shared/tokens';
import { verifyAccessToken, verifyWsTicket } from './tokens';

const OLD = 'old-secret-0123456789-0123456789-0123456789';
const NEW = 'new-secret-0123456789-0123456789-0123456789';
const OTHER = 'unrelated-secret-0123456789-0123456789-01234';
const user = { id: '8a6e0d9c-0000-4000-8000-000000000001', username: 'ada', sessionId: '8a6e0d9c-0000-4000-8000-0000000000aa' };

/** What the refusal looks like to a client: a 401 with a message. */
async function refusal(p: Promise<unknown>): Promise<string> {
  const err = (await p.then(
    () => undefined,
    (e: unknown) => e,
  )) as { status?: number; message?: string } | undefined;
  expect(err?.status).toBe(401);
  return err!.message!;
}

describe('key ids', () => {
  it('every token names its key in the kid header: stable per secret, different across secrets, not the secret', async () => {
    const token = await signAccessToken({ current: NEW }, user, 60);
    const { kid } = decodeProtectedHeader(token);
    expect(kid).toMatch(/^[0-9a-f]{16}$/);
    expect(kid).toBe((await signingKey(NEW)).kid);
    expect(kid).not.toBe((await signingKey(OLD)).kid);
    expect(token).not.toContain(NEW);
  });
});

describe('rotating JWT_SECRET', () => {
  const rotating: JwtKeys = { current: NEW, previous: OLD };

  it('tokens signed before the rotation keep working while JWT_SECRET_PREVIOUS holds the old secret', async () => {
    const before = await signAccessToken({ current: OLD }, user, 60);
    expect(await verifyAccessToken(rotating, before)).toMatchObject({ userId: user.id, username: 'ada', sessionId: user.sessionId });
    const sessionExpiresAt = Date.now() + 3_600_000;
    const ticket = await signWsTicket({ current: OLD }, { ...user, sessionExpiresAt }, 'inbox');
    expect(await verifyWsTicket(rotating, ticket)).toMatchObject({ roomId: 'inbox', sessionId: user.sessionId, sessionExpiresAt });
  });

  it('new tokens are signed with the new secret', async () => {
    const after = await signAccessToken(rotating, user, 60);
    expect(decodeProtectedHeader(after).kid).toBe((await signingKey(NEW)).kid);
    expect((await verifyAccessToken({ current: NEW }, after)).userId).toBe(user.id);
  });

  it('once JWT_SECRET_PREVIOUS is removed, old tokens are refused', async () => {
    const before = await signAccessToken({ current: OLD }, user, 60);
    expect(await refusal(verifyAccessToken({ current: NEW }, before))).toBe('invalid token');
  });

  it('refuses a token whose kid names no configured key, and one whose kid is borrowed', async () => {
    expect(await refusal(verifyAccessToken(rotating, await signAccessToken({ current: OTHER }, user, 60)))).toBe('invalid token');
    // Signed with an unknown secret but claiming the current key's id: the signature check still decides.
    const forged = await new SignJWT({ name: 'ada', sid: user.sessionId })
      .setProtectedHeader({ alg: 'HS256', kid: (await signingKey(NEW)).kid })
      .setIssuer('edge-chat')
      .setAudience('access')
      .setSubject(user.id)
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(new TextEncoder().encode(OTHER));
    expect(await refusal(verifyAccessToken(rotating, forged))).toBe('invalid token');
  });

  it('accepts tokens minted before key ids existed (no kid), under either key', async () => {
    const legacy = (secret: string) =>
      new SignJWT({ name: 'ada', sid: user.sessionId })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer('edge-chat')
        .setAudience('access')
        .setSubject(user.id)
        .setIssuedAt()
        .setExpirationTime('60s')
        .sign(new TextEncoder().encode(secret));
    expect((await verifyAccessToken(rotating, await legacy(OLD))).userId).toBe(user.id);
    expect((await verifyAccessToken(rotating, await legacy(NEW))).userId).toBe(user.id);
    expect(await refusal(verifyAccessToken(rotating, await legacy(OTHER)))).toBe('invalid token');
  });

  it('refuses what is not a token at all as an invalid token, not an internal error', async () => {
    const good = await signAccessToken(rotating, user, 60);
    for (const token of ['garbage', 'a.b.c', good.split('.').slice(0, 2).join('.'), `${good}x`, '']) {
      expect(await refusal(verifyAccessToken(rotating, token))).toBe('invalid token');
      expect(await refusal(verifyWsTicket(rotating, token))).toBe('invalid token');
    }
  });

  it('still says "token expired" for an expired token signed with the previous key', async () => {
    const expired = await signAccessToken({ current: OLD }, user, -10);
    expect(await refusal(verifyAccessToken(rotating, expired))).toBe('token expired');
  });
});
