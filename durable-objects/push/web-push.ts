/**
 * Delivers one push message (RFC 8030) to one subscription. The payload is encrypted for
 * the browser with RFC 8291 (aes128gcm) by @block65/webcrypto-web-push, so the push service
 * carries it without being able to read it; the request is signed with an RFC 8292 VAPID
 * JWT (ES256, signed with jose). Why this split and this library: docs/web-push.md.
 *
 * Never throws: the outcome says what to do with the subscription.
 */
import { encryptNotification } from '@block65/webcrypto-web-push';
import { SignJWT, base64url, importJWK } from 'jose';
import type { VapidKeys } from './push-config';

export interface PushTarget {
  endpoint: string;
  p256dh: string;
  auth: string;
}

export interface PushOptions {
  /** Seconds the push service keeps an undelivered message. */
  ttl: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  /** Replaces an undelivered message with the same topic (at most 32 base64url characters). */
  topic: string;
}

/** `gone`: the push service no longer knows the subscription (404/410), delete it. */
export type PushOutcome = { kind: 'sent' } | { kind: 'gone'; status: number } | { kind: 'failed'; status: number | null; error?: unknown };

/** 12 h: RFC 8292 allows up to 24 h; push services reject longer. */
const VAPID_JWT_LIFETIME_S = 12 * 60 * 60;

const signingKeys = new Map<string, Promise<CryptoKey>>();

function signingKey(vapid: VapidKeys): Promise<CryptoKey> {
  let key = signingKeys.get(vapid.privateKey);
  if (!key) {
    const point = base64url.decode(vapid.publicKey);
    const jwk = { kty: 'EC', crv: 'P-256', x: base64url.encode(point.slice(1, 33)), y: base64url.encode(point.slice(33, 65)), d: vapid.privateKey };
    key = importJWK(jwk, 'ES256') as Promise<CryptoKey>;
    key.catch(() => signingKeys.delete(vapid.privateKey));
    signingKeys.set(vapid.privateKey, key);
  }
  return key;
}

/** RFC 8292 §3: `vapid t=<JWT for the push service's origin>, k=<our public key>`. */
export async function vapidAuthorization(endpoint: string, vapid: VapidKeys, now = Date.now()): Promise<string> {
  const jwt = await new SignJWT({ sub: vapid.subject })
    .setProtectedHeader({ typ: 'JWT', alg: 'ES256' })
    .setAudience(new URL(endpoint).origin)
    .setExpirationTime(Math.floor(now / 1000) + VAPID_JWT_LIFETIME_S)
    .sign(await signingKey(vapid));
  return `vapid t=${jwt}, k=${vapid.publicKey}`;
}

/** The encrypted body and the headers of one push request (exported for the fan-out measurement). */
export async function buildPushRequest(target: PushTarget, payload: unknown, options: PushOptions, vapid: VapidKeys): Promise<RequestInit> {
  const body = await encryptNotification(
    { endpoint: target.endpoint, expirationTime: null, keys: { p256dh: target.p256dh, auth: target.auth } },
    new TextEncoder().encode(JSON.stringify(payload)),
  );
  return {
    method: 'POST',
    headers: {
      authorization: await vapidAuthorization(target.endpoint, vapid),
      'content-encoding': 'aes128gcm',
      'content-type': 'application/octet-stream',
      ttl: String(options.ttl),
      urgency: options.urgency,
      topic: options.topic,
    },
    body,
  };
}

export async function sendPush(target: PushTarget, payload: unknown, options: PushOptions, vapid: VapidKeys, timeoutMs: number): Promise<PushOutcome> {
  try {
    const init = await buildPushRequest(target, payload, options, vapid);
    // No redirects: the endpoint was checked (endpoint-policy.ts), where it redirects to was not.
    const res = await fetch(target.endpoint, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    if (res.status === 404 || res.status === 410) return { kind: 'gone', status: res.status };
    if (res.status >= 200 && res.status < 300) return { kind: 'sent' };
    return { kind: 'failed', status: res.status };
  } catch (error) {
    return { kind: 'failed', status: null, error };
  }
}

/**
 * A topic for `key` (a room or a call) that the push service cannot link across people:
 * SHA-256 over the subscription's auth secret and the key, the first 24 bytes in base64url.
 */
export async function pushTopic(target: PushTarget, key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${target.auth}:${key}`));
  return base64url.encode(new Uint8Array(digest).slice(0, 24));
}
