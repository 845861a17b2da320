/** The primitives against their published vectors, through the wrappers the protocol uses. */
import { describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hexToBytes, bytesToHex } from '@noble/hashes/utils.js';
import { aesGcmOpen, aesGcmSeal, dh, hkdfSha256, hmacSha256 } from './primitives';
import { createDeviceIdentity, identityDh, identitySign, verifySignature } from './identity';
import { utf8 } from './bytes';
import { x25519 } from '@noble/curves/ed25519.js';

const hex = hexToBytes;

describe('X25519 (RFC 7748)', () => {
  it('§5.2 first vector', () => {
    const out = dh(
      hex('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4'),
      hex('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c'),
    );
    expect(bytesToHex(out)).toBe('c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552');
  });

  it('§6.1 Diffie-Hellman: both sides reach the published shared secret', () => {
    const alicePriv = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const bobPriv = hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
    const alicePub = hex('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    const bobPub = hex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    expect(bytesToHex(x25519.getPublicKey(alicePriv))).toBe(bytesToHex(alicePub));
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    expect(bytesToHex(dh(alicePriv, bobPub))).toBe(shared);
    expect(bytesToHex(dh(bobPriv, alicePub))).toBe(shared);
  });

  it('Web Crypto identity DH agrees with noble (the two halves of X3DH interoperate)', async () => {
    const identity = await createDeviceIdentity();
    const other = x25519.utils.randomSecretKey();
    expect(bytesToHex(await identityDh(identity, x25519.getPublicKey(other)))).toBe(bytesToHex(dh(other, identity.identityKey)));
  });
});

describe('HKDF-SHA-256 (RFC 5869)', () => {
  it('test case 1', () => {
    const okm = hkdf(sha256, hex('0b'.repeat(22)), hex('000102030405060708090a0b0c'), hex('f0f1f2f3f4f5f6f7f8f9'), 42);
    expect(bytesToHex(okm)).toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
  });

  it('test case 3 (empty salt and info), through the wrapper', () => {
    const okm = hkdfSha256(hex('0b'.repeat(22)), new Uint8Array(0), '', 42);
    expect(bytesToHex(okm)).toBe('8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8');
  });
});

describe('HMAC-SHA-256 (RFC 4231)', () => {
  it('test case 2', () => {
    const mac = hmacSha256(utf8.encode('Jefe'), utf8.encode('what do ya want for nothing?'));
    expect(bytesToHex(mac)).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });
});

describe('AES-256-GCM (McGrew & Viega, test case 16)', () => {
  const key = hex('feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308');
  const iv = hex('cafebabefacedbaddecaf888');
  const aad = hex('feedfacedeadbeeffeedfacedeadbeefabaddad2');
  const plaintext = hex(
    'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
  );
  const expected =
    '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662' +
    '76fc6ece0f4e1768cddf8853bb2d551b';

  it('seals to the published ciphertext and tag', () => {
    expect(bytesToHex(aesGcmSeal(key, iv, plaintext, aad))).toBe(expected);
  });

  it('opens it, and refuses it with other associated data', () => {
    expect(bytesToHex(aesGcmOpen(key, iv, hex(expected), aad))).toBe(bytesToHex(plaintext));
    expect(() => aesGcmOpen(key, iv, hex(expected), hex('00'))).toThrow();
  });
});

describe('Ed25519 (RFC 8032 §7.1)', () => {
  it('test 1 verifies; a changed message does not', () => {
    const publicKey = hex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    const signature = hex(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
    expect(bytesToHex(ed25519.getPublicKey(hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60')))).toBe(bytesToHex(publicKey));
    expect(verifySignature(publicKey, new Uint8Array(0), signature)).toBe(true);
    expect(verifySignature(publicKey, Uint8Array.of(1), signature)).toBe(false);
  });

  it('a non-extractable Web Crypto identity signs what noble verifies', async () => {
    const identity = await createDeviceIdentity();
    expect(identity.signing.privateKey.extractable).toBe(false);
    expect(identity.dh.privateKey.extractable).toBe(false);
    const data = utf8.encode('signed prekey');
    expect(verifySignature(identity.signingKey, data, await identitySign(identity, data))).toBe(true);
  });
});
