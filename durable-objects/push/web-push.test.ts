/**
 * The push request as a push service and a browser read it: the VAPID JWT verifies with
 * the public key in `k` for the endpoint's origin, and the body decrypts with the
 * subscription's private key and auth secret (http_ece, the RFC 8188 reference code).
 */
import { createECDH, randomBytes } from 'node:crypto';
import { decrypt } from 'http_ece';
import { base64url, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateVapidKeys } from '../../scripts/lib/vapid-keys';
import { messagePayload } from './push-payload';
import { buildPushRequest, pushTopic } from './web-push';

const vapid = { ...generateVapidKeys(), subject: 'mailto:ops@example.test' };

function browser() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16).toString('base64url');
  return { ecdh, auth, target: { endpoint: 'https://push.example.com/send/abc', p256dh: ecdh.getPublicKey().toString('base64url'), auth } };
}

describe('buildPushRequest', () => {
  it('signs for the endpoint origin and encrypts for the subscription, padded to one size', async () => {
    const { ecdh, auth, target } = browser();
    const init = await buildPushRequest(target, { hello: 'wörld' }, { ttl: 60, urgency: 'high', topic: 'abc' }, vapid);
    const headers = init.headers as Record<string, string>;
    expect(headers).toMatchObject({ 'content-encoding': 'aes128gcm', ttl: '60', urgency: 'high', topic: 'abc' });

    const [, jwt, k] = /^vapid t=(\S+), k=(\S+)$/.exec(headers.authorization!)!;
    expect(k).toBe(vapid.publicKey);
    const point = base64url.decode(k!);
    const key = await importJWK({ kty: 'EC', crv: 'P-256', x: base64url.encode(point.slice(1, 33)), y: base64url.encode(point.slice(33)) }, 'ES256');
    const { payload, protectedHeader } = await jwtVerify(jwt!, key, { audience: 'https://push.example.com' });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload.sub).toBe('mailto:ops@example.test');
    expect(payload.exp! - Date.now() / 1000).toBeGreaterThan(11 * 3600);
    expect(payload.exp! - Date.now() / 1000).toBeLessThanOrEqual(12 * 3600);

    const body = Buffer.from(init.body as Uint8Array);
    expect(JSON.parse(decrypt(body, { version: 'aes128gcm', privateKey: ecdh, authSecret: auth }).toString())).toEqual({ hello: 'wörld' });
    const longer = await buildPushRequest(target, { hello: 'x'.repeat(2000) }, { ttl: 60, urgency: 'high', topic: 'abc' }, vapid);
    expect((longer.body as Uint8Array).byteLength).toBe(body.byteLength);
    // Another browser's keys cannot read it.
    const other = browser();
    expect(() => decrypt(body, { version: 'aes128gcm', privateKey: other.ecdh, authSecret: other.auth })).toThrow();
  });

  it('makes topics of 32 base64url characters that differ per device for the same chat', async () => {
    const a = browser().target;
    const b = browser().target;
    const topic = await pushTopic(a, 'room:1');
    expect(topic).toMatch(/^[\w-]{32}$/);
    expect(await pushTopic(a, 'room:1')).toBe(topic);
    expect(await pushTopic(a, 'room:2')).not.toBe(topic);
    expect(await pushTopic(b, 'room:1')).not.toBe(topic);
  });
});

describe('messagePayload', () => {
  it('never puts a secret chat\'s ciphertext in a push', () => {
    const secret = { id: 'm', roomId: 'r', seq: 1, senderId: 's', clientId: 'c', type: 'secret' as const, content: 'c2VhbGVkIGJveA', replyToSeq: null, createdAt: '', editedAt: null, deletedAt: null, reactions: [] };
    const payload = messagePayload(secret, false, { senderName: 'Ann', groupName: null, privatePreviews: false });
    expect(payload).toMatchObject({ title: 'Ann', body: 'Sent a secret message' });
    expect(JSON.stringify(payload)).not.toContain(secret.content);
  });
});
