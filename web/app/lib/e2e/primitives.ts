/**
 * The audited primitives the secret-chat protocol is built from, and nothing else:
 * X25519 (RFC 7748) from @noble/curves, HKDF and HMAC over SHA-256 (RFC 5869, RFC 4231)
 * from @noble/hashes, AES-256-GCM from @noble/ciphers. primitives.test.ts checks each
 * against its published vectors.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { gcm } from '@noble/ciphers/aes.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { utf8 } from './bytes';

export interface DhKeyPair {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

export function generateDhKeyPair(): DhKeyPair {
  const privateKey = x25519.utils.randomSecretKey();
  return { privateKey, publicKey: x25519.getPublicKey(privateKey) };
}

export function dh(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return x25519.getSharedSecret(privateKey, publicKey);
}

export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: string, length: number): Uint8Array {
  return hkdf(sha256, ikm, salt, utf8.encode(info), length);
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(sha256, key, data);
}

export function aesGcmSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Uint8Array {
  return gcm(key, nonce, associatedData).encrypt(plaintext);
}

/** Throws when the ciphertext or the associated data was altered, or the key is wrong. */
export function aesGcmOpen(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, associatedData: Uint8Array): Uint8Array {
  return gcm(key, nonce, associatedData).decrypt(ciphertext);
}

export { randomBytes, sha256 };
