/**
 * Safety numbers, computed as Signal's NumericFingerprintGenerator does (version 0
 * iteration: 5200 rounds of SHA-512 over the running hash and the key material, started
 * from version ‖ key ‖ stable identifier; 30 digits per person from six 5-byte chunks,
 * each taken mod 100000; the two halves in sorted order). Signal has one identity key per
 * account; here each device has its own, so a person's key material is their devices'
 * keys, sorted: a new or replaced device changes the number.
 */
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8 } from './bytes';

const ITERATIONS = 5200;

export interface DeviceKeys {
  identityKey: Uint8Array;
  signingKey: Uint8Array;
}

/** The key material of one person: every device's DH and signing key, in byte order. */
export function personKeyMaterial(devices: DeviceKeys[]): Uint8Array {
  const keys = devices.map((d) => concatBytes(d.identityKey, d.signingKey));
  keys.sort(compareBytes);
  return concatBytes(...keys);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** 30 digits for one person. */
export function displayableFingerprint(keyMaterial: Uint8Array, stableIdentifier: string): string {
  let hash = concatBytes(Uint8Array.of(0, 0), keyMaterial, utf8.encode(stableIdentifier));
  for (let i = 0; i < ITERATIONS; i++) hash = sha512(concatBytes(hash, keyMaterial));
  let digits = '';
  for (let offset = 0; offset < 30; offset += 5) {
    let chunk = 0;
    for (let i = 0; i < 5; i++) chunk = chunk * 256 + hash[offset + i]!;
    digits += String(chunk % 100000).padStart(5, '0');
  }
  return digits;
}

/** The 60-digit number both people see alike, in twelve groups of five. */
export function safetyNumber(
  me: { userId: string; devices: DeviceKeys[] },
  them: { userId: string; devices: DeviceKeys[] },
): string {
  const mine = displayableFingerprint(personKeyMaterial(me.devices), me.userId);
  const theirs = displayableFingerprint(personKeyMaterial(them.devices), them.userId);
  const digits = mine <= theirs ? mine + theirs : theirs + mine;
  return digits.match(/.{5}/g)!.join(' ');
}
