/**
 * X3DH key agreement as Signal's specification (revision 1, 2016) defines it in §3:
 * DH1 = DH(IKa, SPKb), DH2 = DH(EKa, IKb), DH3 = DH(EKa, SPKb), DH4 = DH(EKa, OPKb),
 * SK = KDF(F || DH1 || DH2 || DH3 [|| DH4]) with F = 32 bytes of 0xFF and a zero salt,
 * AD = Encode(IKa) || Encode(IKb) (here each device's DH key followed by its signing key).
 * The identity DH runs in Web Crypto (identity.ts); the ephemeral and prekey DHs in noble.
 */
import { concatBytes } from './bytes';
import { identityDh, signedPrekeyMessage, verifySignature, type DeviceIdentityKeys } from './identity';
import { dh, generateDhKeyPair, hkdfSha256, type DhKeyPair } from './primitives';

/** A device's published keys, with one of its one-time prekeys when one was left to claim. */
export interface PrekeyBundle {
  identityKey: Uint8Array;
  signingKey: Uint8Array;
  signedPrekey: { id: number; publicKey: Uint8Array; signature: Uint8Array };
  oneTimePrekey?: { id: number; publicKey: Uint8Array };
}

/** What the initiator sends with its first messages so that the responder can compute SK. */
export interface X3dhInit {
  identityKey: Uint8Array;
  signingKey: Uint8Array;
  ephemeralKey: Uint8Array;
  signedPrekeyId: number;
  oneTimePrekeyId?: number;
}

const F = new Uint8Array(32).fill(0xff);
const ZERO_SALT = new Uint8Array(32);
const INFO = 'edge-chat X3DH';

function deriveSk(dhs: Uint8Array[]): Uint8Array {
  return hkdfSha256(concatBytes(F, ...dhs), ZERO_SALT, INFO, 32);
}

export function associatedData(
  initiator: { identityKey: Uint8Array; signingKey: Uint8Array },
  responder: { identityKey: Uint8Array; signingKey: Uint8Array },
): Uint8Array {
  return concatBytes(initiator.identityKey, initiator.signingKey, responder.identityKey, responder.signingKey);
}

export async function x3dhInitiate(
  me: DeviceIdentityKeys,
  bundle: PrekeyBundle,
): Promise<{ sk: Uint8Array; ad: Uint8Array; init: X3dhInit }> {
  const { signedPrekey: spk } = bundle;
  if (!verifySignature(bundle.signingKey, signedPrekeyMessage(bundle.identityKey, spk.id, spk.publicKey), spk.signature)) {
    throw new Error('the signed prekey’s signature does not verify');
  }
  const ek = generateDhKeyPair();
  const dhs = [await identityDh(me, spk.publicKey), dh(ek.privateKey, bundle.identityKey), dh(ek.privateKey, spk.publicKey)];
  if (bundle.oneTimePrekey) dhs.push(dh(ek.privateKey, bundle.oneTimePrekey.publicKey));
  return {
    sk: deriveSk(dhs),
    ad: associatedData(me, bundle),
    init: {
      identityKey: me.identityKey,
      signingKey: me.signingKey,
      ephemeralKey: ek.publicKey,
      signedPrekeyId: spk.id,
      ...(bundle.oneTimePrekey ? { oneTimePrekeyId: bundle.oneTimePrekey.id } : {}),
    },
  };
}

/** The responder's side; the caller deletes the one-time prekey once the first message decrypted. */
export async function x3dhRespond(
  me: DeviceIdentityKeys,
  signedPrekey: DhKeyPair,
  oneTimePrekey: DhKeyPair | undefined,
  init: X3dhInit,
): Promise<{ sk: Uint8Array; ad: Uint8Array }> {
  const dhs = [dh(signedPrekey.privateKey, init.identityKey), await identityDh(me, init.ephemeralKey), dh(signedPrekey.privateKey, init.ephemeralKey)];
  if (oneTimePrekey) dhs.push(dh(oneTimePrekey.privateKey, init.ephemeralKey));
  return { sk: deriveSk(dhs), ad: associatedData(init, me) };
}
