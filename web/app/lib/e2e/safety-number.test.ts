import { describe, expect, it } from 'vitest';
import { hexToBytes } from '@noble/hashes/utils.js';
import { displayableFingerprint, safetyNumber } from './safety-number';

describe('safety numbers', () => {
  it('match libsignal’s NumericFingerprintGenerator vector', () => {
    const alice = displayableFingerprint(hexToBytes('0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868'), '+14152222222');
    const bob = displayableFingerprint(hexToBytes('05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b'), '+14153333333');
    const combined = alice <= bob ? alice + bob : bob + alice;
    expect(combined).toBe('300354477692869396892869876765458257569162576843440918079131');
  });

  const device = (n: number) => ({ identityKey: new Uint8Array(32).fill(n), signingKey: new Uint8Array(32).fill(n + 100) });

  it('is the same on both sides, whatever order the devices are listed in', () => {
    const ann = { userId: 'ann', devices: [device(1), device(2)] };
    const bob = { userId: 'bob', devices: [device(3)] };
    const fromAnn = safetyNumber(ann, bob);
    expect(fromAnn).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(safetyNumber(bob, { userId: 'ann', devices: [device(2), device(1)] })).toBe(fromAnn);
  });

  it('changes when a person gains a device', () => {
    const ann = { userId: 'ann', devices: [device(1)] };
    const bob = { userId: 'bob', devices: [device(3)] };
    expect(safetyNumber(ann, { ...bob, devices: [device(3), device(4)] })).not.toBe(safetyNumber(ann, bob));
  });
});
