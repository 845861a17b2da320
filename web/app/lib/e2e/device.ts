/**
 * One device's secret-chat state and the fan-out on top of X3DH and the Double Ratchet:
 * a message is sealed once per recipient device, each in that pair's own session (Signal's
 * Sesame arrangement). The state is one structured-clonable object, saved whole after
 * every seal and open (device-store.ts in the browser, memory in tests).
 */
import { z } from 'zod';
import { equalBytes, fromBase64Url, toBase64Url } from './bytes';
import { createDeviceIdentity, identitySign, signedPrekeyMessage, type DeviceIdentityKeys } from './identity';
import { generateDhKeyPair, type DhKeyPair } from './primitives';
import { ratchetDecrypt, ratchetEncrypt, ratchetInitAlice, ratchetInitBob, type RatchetState } from './ratchet';
import { x3dhInitiate, x3dhRespond, type PrekeyBundle, type X3dhInit } from './x3dh';

/** Sessions kept per peer device: two devices that started sessions at once both keep working. */
const SESSIONS_PER_PEER = 3;

export interface Session {
  ratchet: RatchetState;
  ad: Uint8Array;
  peerIdentityKey: Uint8Array;
  /** Initiator: sent with every message until the peer answers (X3DH §3.3). */
  pendingInit?: X3dhInit;
  /** Responder: the initiator's ephemeral key, to recognise its later init-carrying messages. */
  baseKey?: Uint8Array;
}

export interface DeviceState {
  deviceId: string | null;
  identity: DeviceIdentityKeys;
  signedPrekeys: Record<number, DhKeyPair>;
  oneTimePrekeys: Record<number, DhKeyPair>;
  nextPrekeyId: number;
  sessions: Record<string, Session[]>;
}

/** What a device publishes (base64url), as POST /api/e2e/devices takes it. */
export interface PublishedKeys {
  identityKey: string;
  signingKey: string;
  signedPrekey: { id: number; publicKey: string; signature: string };
  oneTimePrekeys: { id: number; publicKey: string }[];
}

export async function createDeviceState(): Promise<DeviceState> {
  return { deviceId: null, identity: await createDeviceIdentity(), signedPrekeys: {}, oneTimePrekeys: {}, nextPrekeyId: 1, sessions: {} };
}

/** Makes a signed prekey and `count` one-time prekeys; returns their public halves to publish. */
export async function makePrekeys(state: DeviceState, count: number): Promise<PublishedKeys> {
  const spkId = state.nextPrekeyId++;
  const spk = generateDhKeyPair();
  state.signedPrekeys[spkId] = spk;
  const signature = await identitySign(state.identity, signedPrekeyMessage(state.identity.identityKey, spkId, spk.publicKey));
  return {
    identityKey: toBase64Url(state.identity.identityKey),
    signingKey: toBase64Url(state.identity.signingKey),
    signedPrekey: { id: spkId, publicKey: toBase64Url(spk.publicKey), signature: toBase64Url(signature) },
    oneTimePrekeys: makeOneTimePrekeys(state, count),
  };
}

/** `count` new one-time prekeys: the private halves go into `state` (save it before publishing). */
export function makeOneTimePrekeys(state: DeviceState, count: number): { id: number; publicKey: string }[] {
  const published = [];
  for (let i = 0; i < count; i++) {
    const id = state.nextPrekeyId++;
    const pair = generateDhKeyPair();
    state.oneTimePrekeys[id] = pair;
    published.push({ id, publicKey: toBase64Url(pair.publicKey) });
  }
  return published;
}

// ------------------------------------------------------------------ the wire form

const b64 = z.string().regex(/^[A-Za-z0-9_-]*$/).max(200_000);
const initSchema = z.object({ ik: b64, sk: b64, ek: b64, spk: z.int().min(0), opk: z.int().min(0).optional() });
const envelopeSchema = z.object({ d: z.string().max(64), h: b64, c: b64, i: initSchema.optional() });
export const sealedMessageSchema = z.object({ v: z.literal(1), from: z.string().max(64), to: z.array(envelopeSchema).max(64) });
export type SealedMessage = z.infer<typeof sealedMessageSchema>;

/** A recipient device as the key directory lists it; `claim` fetches a bundle when no session exists yet. */
export interface RecipientDevice {
  deviceId: string;
  identityKey: Uint8Array;
  claim: () => Promise<PrekeyBundle>;
}

export async function sealMessage(state: DeviceState, plaintext: Uint8Array, recipients: RecipientDevice[]): Promise<SealedMessage> {
  if (!state.deviceId) throw new Error('this device is not registered yet');
  const to: SealedMessage['to'] = [];
  for (const recipient of recipients) {
    if (recipient.deviceId === state.deviceId) continue;
    let session = state.sessions[recipient.deviceId]?.find((s) => equalBytes(s.peerIdentityKey, recipient.identityKey));
    if (!session) {
      const bundle = await recipient.claim();
      if (!equalBytes(bundle.identityKey, recipient.identityKey)) throw new Error('the claimed bundle is not the listed device’s');
      const { sk, ad, init } = await x3dhInitiate(state.identity, bundle);
      session = { ratchet: ratchetInitAlice(sk, bundle.signedPrekey.publicKey), ad, peerIdentityKey: bundle.identityKey, pendingInit: init };
      keepSession(state, recipient.deviceId, session);
    }
    const { state: ratchet, message } = ratchetEncrypt(session.ratchet, plaintext, session.ad);
    session.ratchet = ratchet;
    const init = session.pendingInit;
    to.push({
      d: recipient.deviceId,
      h: toBase64Url(message.header),
      c: toBase64Url(message.ciphertext),
      ...(init
        ? { i: { ik: toBase64Url(init.identityKey), sk: toBase64Url(init.signingKey), ek: toBase64Url(init.ephemeralKey), spk: init.signedPrekeyId, ...(init.oneTimePrekeyId !== undefined ? { opk: init.oneTimePrekeyId } : {}) } }
        : {}),
    });
  }
  return { v: 1, from: state.deviceId, to };
}

export type OpenResult = { ok: true; plaintext: Uint8Array } | { ok: false; why: 'not_for_this_device' | 'undecryptable' };

/**
 * Opens this device's envelope of a sealed message. `sender` is the sending device's
 * identity key as the key directory lists it: a message whose session belongs to any
 * other key is refused. The state changes only when the message opened.
 */
export async function openMessage(state: DeviceState, sealed: SealedMessage, sender: { identityKey: Uint8Array }): Promise<OpenResult> {
  const envelope = sealed.to.find((e) => e.d === state.deviceId);
  if (!envelope) return { ok: false, why: 'not_for_this_device' };
  const message = { header: fromBase64Url(envelope.h), ciphertext: fromBase64Url(envelope.c) };
  const candidates = (state.sessions[sealed.from] ?? []).filter((s) => equalBytes(s.peerIdentityKey, sender.identityKey));
  let fresh: Session | undefined;
  if (envelope.i) {
    const ek = fromBase64Url(envelope.i.ek);
    if (!candidates.some((s) => s.baseKey && equalBytes(s.baseKey, ek))) {
      fresh = await respond(state, envelope.i, sender);
      if (!fresh) return { ok: false, why: 'undecryptable' };
    }
  }
  for (const session of fresh ? [fresh] : candidates) {
    try {
      const { state: ratchet, plaintext } = ratchetDecrypt(session.ratchet, message, session.ad);
      session.ratchet = ratchet;
      delete session.pendingInit;
      if (fresh && envelope.i?.opk !== undefined) delete state.oneTimePrekeys[envelope.i.opk];
      keepSession(state, sealed.from, session);
      return { ok: true, plaintext };
    } catch {
      // Not this session's message: try the next.
    }
  }
  return { ok: false, why: 'undecryptable' };
}

async function respond(state: DeviceState, wire: z.infer<typeof initSchema>, sender: { identityKey: Uint8Array }): Promise<Session | undefined> {
  const init: X3dhInit = {
    identityKey: fromBase64Url(wire.ik),
    signingKey: fromBase64Url(wire.sk),
    ephemeralKey: fromBase64Url(wire.ek),
    signedPrekeyId: wire.spk,
    ...(wire.opk !== undefined ? { oneTimePrekeyId: wire.opk } : {}),
  };
  if (!equalBytes(init.identityKey, sender.identityKey)) return undefined;
  const spk = state.signedPrekeys[init.signedPrekeyId];
  const opk = init.oneTimePrekeyId === undefined ? undefined : state.oneTimePrekeys[init.oneTimePrekeyId];
  // A one-time prekey already used (or never ours) means a replayed or forged first message.
  if (!spk || (init.oneTimePrekeyId !== undefined && !opk)) return undefined;
  const { sk, ad } = await x3dhRespond(state.identity, spk, opk, init);
  return { ratchet: ratchetInitBob(sk, spk), ad, peerIdentityKey: init.identityKey, baseKey: init.ephemeralKey };
}

function keepSession(state: DeviceState, peer: string, session: Session): void {
  const others = (state.sessions[peer] ?? []).filter((s) => s !== session);
  state.sessions[peer] = [session, ...others].slice(0, SESSIONS_PER_PEER);
}
