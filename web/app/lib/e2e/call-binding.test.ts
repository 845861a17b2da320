import { describe, expect, it } from 'vitest';
import { decodeCallBinding, dtlsFingerprints, encodeCallBinding, fingerprintsBound } from './call-binding';

const hex = (byte: string) => Array.from({ length: 32 }, () => byte).join(':');
const sdp = (...fingerprints: string[]) =>
  ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'm=audio 9 UDP/TLS/RTP/SAVPF 111', ...fingerprints.map((f) => `a=fingerprint:${f}`), 'a=setup:actpass', ''].join('\r\n');

describe('call fingerprints bound end to end', () => {
  it('reads the a=fingerprint lines of an SDP, normalised, once each', () => {
    expect(dtlsFingerprints(sdp(`SHA-256 ${hex('ab')}`, `sha-256 ${hex('AB')}`))).toEqual([{ algorithm: 'sha-256', value: hex('AB') }]);
    expect(dtlsFingerprints(sdp())).toEqual([]);
  });

  it('passes only when every relayed fingerprint is one sent end to end', () => {
    const sent = [{ algorithm: 'sha-256', value: hex('AB') }];
    expect(fingerprintsBound(dtlsFingerprints(sdp(`sha-256 ${hex('AB')}`)), sent)).toBe(true);
    // A server that swapped the fingerprint, or added one of its own beside the real one.
    expect(fingerprintsBound(dtlsFingerprints(sdp(`sha-256 ${hex('CD')}`)), sent)).toBe(false);
    expect(fingerprintsBound(dtlsFingerprints(sdp(`sha-256 ${hex('AB')}`, `sha-256 ${hex('CD')}`)), sent)).toBe(false);
    // Nothing to check is not a pass.
    expect(fingerprintsBound([], sent)).toBe(false);
  });

  it('round-trips a binding and refuses anything else', () => {
    const binding = { kind: 'call-fingerprints' as const, callId: 'c1', role: 'caller' as const, fingerprints: [{ algorithm: 'sha-256', value: hex('AB') }] };
    expect(decodeCallBinding(encodeCallBinding(binding))).toEqual(binding);
    expect(decodeCallBinding(new TextEncoder().encode('{"text":"hello"}'))).toBeUndefined();
    expect(decodeCallBinding(new TextEncoder().encode('not json'))).toBeUndefined();
  });
});
