/**
 * Binding a secret chat's call to the people in it (docs/e2e.md, "Calls"): each side sends the
 * DTLS fingerprints of its own SDP inside the Double Ratchet session, and checks that the
 * `a=fingerprint` lines of the SDP the server relayed are among those. DTLS then guarantees
 * that the media's other end holds the certificate the other person's device vouched for.
 * No new cryptography: the fingerprints are the browser's, the channel is the ratchet's.
 */
import { z } from 'zod';
import { decodeJson, encodeJson } from './json-bytes';

export interface DtlsFingerprint {
  /** Hash function as SDP names it, lower case: "sha-256". */
  algorithm: string;
  /** Colon-separated hex, upper case. */
  value: string;
}

const fingerprintSchema = z.object({
  algorithm: z.string().regex(/^[a-z0-9-]{1,16}$/),
  value: z.string().regex(/^[0-9A-F]{2}(:[0-9A-F]{2}){15,63}$/),
});

/** What one side of a call sends end to end: which call, which side, its fingerprints. */
export const callBindingSchema = z.object({
  kind: z.literal('call-fingerprints'),
  callId: z.string().max(64),
  role: z.enum(['caller', 'callee']),
  fingerprints: z.array(fingerprintSchema).min(1).max(8),
});
export type CallBinding = z.infer<typeof callBindingSchema>;

/** The `a=fingerprint` lines of an SDP (session and media level), normalised, without repeats. */
export function dtlsFingerprints(sdp: string): DtlsFingerprint[] {
  const found = new Map<string, DtlsFingerprint>();
  for (const match of sdp.matchAll(/^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/gm)) {
    const fingerprint = { algorithm: match[1]!.toLowerCase(), value: match[2]!.toUpperCase() };
    found.set(`${fingerprint.algorithm} ${fingerprint.value}`, fingerprint);
  }
  return [...found.values()];
}

/**
 * Does every fingerprint the relayed SDPs named appear among those the other device sent end
 * to end? An SDP with no fingerprint at all cannot be checked and does not pass.
 */
export function fingerprintsBound(relayed: DtlsFingerprint[], sentEndToEnd: DtlsFingerprint[]): boolean {
  if (relayed.length === 0) return false;
  const bound = new Set(sentEndToEnd.map((f) => `${f.algorithm} ${f.value}`));
  return relayed.every((f) => bound.has(`${f.algorithm} ${f.value}`));
}

export function encodeCallBinding(binding: CallBinding): Uint8Array {
  return encodeJson(callBindingSchema, binding);
}

/** The binding in an opened control message, or undefined when it is not one. */
export function decodeCallBinding(bytes: Uint8Array): CallBinding | undefined {
  return decodeJson(callBindingSchema, bytes);
}
