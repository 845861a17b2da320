/**
 * The Double Ratchet, as Signal's specification (revision 1, 2016) defines it in §3:
 * RatchetInitAlice/Bob, RatchetEncrypt, RatchetDecrypt, TrySkippedMessageKeys,
 * SkipMessageKeys and DHRatchet, with the recommended functions of §5.2 (KDF_RK =
 * HKDF-SHA-256 keyed by the root key, KDF_CK = HMAC-SHA-256 with constants 1 and 2,
 * ENCRYPT = an AEAD under keys derived from the message key). The state is a plain,
 * structured-clonable object so that it can be kept in IndexedDB; decryption works
 * on a copy and returns the new state only when the message authenticated (§3.5:
 * "if an exception is raised … discard any changes to the state").
 */
import { concatBytes, equalBytes, toBase64Url } from './bytes';
import { aesGcmOpen, aesGcmSeal, dh, generateDhKeyPair, hkdfSha256, hmacSha256, type DhKeyPair } from './primitives';

/** Most message keys skipped in one chain (§3.5 MAX_SKIP). */
export const MAX_SKIP = 1000;
/** Most skipped keys kept in all; the oldest go first (the spec leaves this to the application). */
const MAX_STORED_SKIPPED = 2000;

export interface RatchetState {
  DHs: DhKeyPair;
  DHr: Uint8Array | null;
  RK: Uint8Array;
  CKs: Uint8Array | null;
  CKr: Uint8Array | null;
  Ns: number;
  Nr: number;
  PN: number;
  /** Skipped message keys, by `<ratchet public key base64url>.<n>`. */
  MKSKIPPED: Record<string, Uint8Array>;
}

export interface RatchetHeader {
  dh: Uint8Array;
  pn: number;
  n: number;
}

export const HEADER_BYTES = 40;

export function encodeHeader(header: RatchetHeader): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES);
  out.set(header.dh, 0);
  const view = new DataView(out.buffer);
  view.setUint32(32, header.pn);
  view.setUint32(36, header.n);
  return out;
}

export function decodeHeader(bytes: Uint8Array): RatchetHeader {
  if (bytes.length !== HEADER_BYTES) throw new Error('bad ratchet header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { dh: bytes.slice(0, 32), pn: view.getUint32(32), n: view.getUint32(36) };
}

function kdfRk(rk: Uint8Array, dhOut: Uint8Array): [Uint8Array, Uint8Array] {
  const out = hkdfSha256(dhOut, rk, 'edge-chat ratchet root', 64);
  return [out.slice(0, 32), out.slice(32)];
}

function kdfCk(ck: Uint8Array): [Uint8Array, Uint8Array] {
  return [hmacSha256(ck, Uint8Array.of(0x02)), hmacSha256(ck, Uint8Array.of(0x01))];
}

const ZERO_SALT = new Uint8Array(32);

/** §5.2: the AEAD key and nonce both come from the message key, which is used exactly once. */
function messageCipher(mk: Uint8Array): { key: Uint8Array; nonce: Uint8Array } {
  const out = hkdfSha256(mk, ZERO_SALT, 'edge-chat ratchet message', 44);
  return { key: out.slice(0, 32), nonce: out.slice(32) };
}

export function ratchetInitAlice(sk: Uint8Array, bobDhPublicKey: Uint8Array): RatchetState {
  const DHs = generateDhKeyPair();
  const [RK, CKs] = kdfRk(sk, dh(DHs.privateKey, bobDhPublicKey));
  return { DHs, DHr: bobDhPublicKey, RK, CKs, CKr: null, Ns: 0, Nr: 0, PN: 0, MKSKIPPED: {} };
}

export function ratchetInitBob(sk: Uint8Array, bobDhKeyPair: DhKeyPair): RatchetState {
  return { DHs: bobDhKeyPair, DHr: null, RK: sk, CKs: null, CKr: null, Ns: 0, Nr: 0, PN: 0, MKSKIPPED: {} };
}

export interface RatchetCiphertext {
  header: Uint8Array;
  ciphertext: Uint8Array;
}

/** RatchetEncrypt: returns the new state; the old one must not be used again. */
export function ratchetEncrypt(
  current: RatchetState,
  plaintext: Uint8Array,
  associatedData: Uint8Array,
): { state: RatchetState; message: RatchetCiphertext } {
  const state = structuredClone(current);
  if (!state.CKs) throw new Error('this session cannot send before it has received (Bob before Alice’s first message)');
  const [CKs, mk] = kdfCk(state.CKs);
  state.CKs = CKs;
  const header = encodeHeader({ dh: state.DHs.publicKey, pn: state.PN, n: state.Ns });
  state.Ns += 1;
  const { key, nonce } = messageCipher(mk);
  return { state, message: { header, ciphertext: aesGcmSeal(key, nonce, plaintext, concatBytes(associatedData, header)) } };
}

/** RatchetDecrypt: throws (and leaves `current` as it was) when the message does not authenticate. */
export function ratchetDecrypt(
  current: RatchetState,
  message: RatchetCiphertext,
  associatedData: Uint8Array,
): { state: RatchetState; plaintext: Uint8Array } {
  const state = structuredClone(current);
  const header = decodeHeader(message.header);
  const ad = concatBytes(associatedData, message.header);
  const skippedId = skippedKeyId(header.dh, header.n);
  const skipped = state.MKSKIPPED[skippedId];
  if (skipped) {
    delete state.MKSKIPPED[skippedId];
    return { state, plaintext: open(skipped, message.ciphertext, ad) };
  }
  if (!state.DHr || !equalBytes(header.dh, state.DHr)) {
    skipMessageKeys(state, header.pn);
    dhRatchet(state, header);
  }
  skipMessageKeys(state, header.n);
  const [CKr, mk] = kdfCk(state.CKr!);
  state.CKr = CKr;
  state.Nr += 1;
  return { state, plaintext: open(mk, message.ciphertext, ad) };
}

function open(mk: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array {
  const { key, nonce } = messageCipher(mk);
  return aesGcmOpen(key, nonce, ciphertext, ad);
}

function skippedKeyId(dhPublicKey: Uint8Array, n: number): string {
  return `${toBase64Url(dhPublicKey)}.${n}`;
}

function skipMessageKeys(state: RatchetState, until: number): void {
  if (state.Nr + MAX_SKIP < until) throw new Error('too many skipped messages');
  if (!state.CKr) return;
  while (state.Nr < until) {
    const [CKr, mk] = kdfCk(state.CKr);
    state.CKr = CKr;
    state.MKSKIPPED[skippedKeyId(state.DHr!, state.Nr)] = mk;
    state.Nr += 1;
  }
  const ids = Object.keys(state.MKSKIPPED);
  // Insertion order is the order keys were skipped in: drop the oldest.
  for (const id of ids.slice(0, Math.max(0, ids.length - MAX_STORED_SKIPPED))) delete state.MKSKIPPED[id];
}

function dhRatchet(state: RatchetState, header: RatchetHeader): void {
  state.PN = state.Ns;
  state.Ns = 0;
  state.Nr = 0;
  state.DHr = header.dh;
  [state.RK, state.CKr] = kdfRk(state.RK, dh(state.DHs.privateKey, state.DHr));
  state.DHs = generateDhKeyPair();
  [state.RK, state.CKs] = kdfRk(state.RK, dh(state.DHs.privateKey, state.DHr));
}
