/**
 * A secret chat's call, bound to the people in it (docs/e2e.md, "Calls"). The server relays
 * the SDP, so it could swap the `a=fingerprint` lines and sit in the middle of DTLS-SRTP. So
 * each side seals its own fingerprints in the chat's Double Ratchet session (SecretChats, the
 * same sessions as its messages) and sends them as a `sealed` call signal; each side checks
 * that every fingerprint in the SDP the server relayed is one the other device sent end to
 * end. Until then no media goes out (PeerLink holdMedia) and none is played.
 */
import { decodeCallBinding, dtlsFingerprints, encodeCallBinding, fingerprintsBound, type CallBinding, type DtlsFingerprint } from '../lib/e2e/call-binding';
import { secretChatsFor } from './secret-chats-lazy';
import type { SecretChats } from './secret-chats';

export type VerificationState = 'verifying' | 'verified' | 'failed';

export interface CallVerificationView {
  state: VerificationState;
  /** The safety number with the other person is marked verified (and unchanged). */
  identityVerified: boolean;
  /** Why it failed, in a sentence for the call screen. */
  failure: string | null;
}

export interface CallVerificationOptions {
  me: string;
  peerId: string;
  callId: string;
  role: 'caller' | 'callee';
  /** Sends a sealed message to the other side (a `sealed` call signal). */
  send(sealed: string): void;
  onChange(view: CallVerificationView): void;
}

export const CALL_NOT_VERIFIED =
  'This call could not be verified: its encryption keys do not match the ones the other device sent end to end, so someone may be listening in. It was ended. Compare safety numbers before you call again.';
export const CALL_VERIFICATION_FAILED =
  'This call could not be verified: the encryption keys could not be exchanged end to end, so it was ended. Try again, and compare safety numbers if it keeps happening.';

type Role = CallVerificationOptions['role'];

export class CallVerification {
  private view: CallVerificationView = { state: 'verifying', identityVerified: false, failure: null };
  /** Every fingerprint the relayed SDPs named so far. */
  private relayed: DtlsFingerprint[] = [];
  /** The fingerprints the other device sent end to end (undefined until they arrive). */
  private bound: DtlsFingerprint[] | undefined;
  private mine: DtlsFingerprint[] = [];
  private closed = false;
  private readonly secrets: Promise<SecretChats>;

  constructor(private readonly opts: CallVerificationOptions) {
    this.secrets = secretChatsFor(opts.me);
    this.secrets
      .then((s) => s.isVerified(opts.peerId))
      .then(
        (identityVerified) => this.update({ identityVerified }),
        () => {},
      );
  }

  get state(): VerificationState {
    return this.view.state;
  }

  /** An SDP PeerLink set: my own fingerprints go out sealed; the relayed one's are checked. */
  description(side: 'local' | 'remote', sdp: string) {
    const fingerprints = dtlsFingerprints(sdp);
    if (side === 'remote') {
      this.relayed = merge(this.relayed, fingerprints);
      this.check();
      return;
    }
    const mine = merge(this.mine, fingerprints);
    if (mine.length === this.mine.length) return;
    this.mine = mine;
    this.sendMine();
  }

  /** Sends my fingerprints again (after the signaling path was down: the first may be lost). */
  resend() {
    if (this.mine.length) this.sendMine();
  }

  /** A `sealed` signal from the other side. */
  async receive(sealed: string) {
    try {
      const plaintext = await (await this.secrets).openControl(this.opts.peerId, sealed);
      const binding = plaintext && decodeCallBinding(plaintext);
      // Someone else's call, or my own words sent back: not the other side vouching for this call.
      if (!binding || binding.callId !== this.opts.callId || binding.role !== other(this.opts.role)) return this.fail(CALL_NOT_VERIFIED);
      this.bound = merge(this.bound ?? [], binding.fingerprints);
      this.check();
    } catch {
      this.fail(CALL_VERIFICATION_FAILED);
    }
  }

  close() {
    this.closed = true;
  }

  private sendMine() {
    const binding: CallBinding = { kind: 'call-fingerprints', callId: this.opts.callId, role: this.opts.role, fingerprints: this.mine };
    this.secrets
      .then((s) => s.sealControl([this.opts.peerId], encodeCallBinding(binding)))
      .then(
        (sealed) => {
          if (!this.closed) this.opts.send(sealed);
        },
        () => this.fail(CALL_VERIFICATION_FAILED),
      );
  }

  private check() {
    if (this.view.state === 'failed' || !this.bound || this.relayed.length === 0) return;
    if (fingerprintsBound(this.relayed, this.bound)) this.update({ state: 'verified' });
    else this.fail(CALL_NOT_VERIFIED);
  }

  /** Gives up (a call not confirmed in time, too): the first reason stands. */
  fail(failure: string) {
    if (this.view.state !== 'failed') this.update({ state: 'failed', failure });
  }

  private update(change: Partial<CallVerificationView>) {
    if (this.closed) return;
    this.view = { ...this.view, ...change };
    this.opts.onChange(this.view);
  }
}

function other(role: Role): Role {
  return role === 'caller' ? 'callee' : 'caller';
}

function merge(known: DtlsFingerprint[], more: DtlsFingerprint[]): DtlsFingerprint[] {
  const out = [...known];
  for (const f of more) if (!out.some((k) => k.algorithm === f.algorithm && k.value === f.value)) out.push(f);
  return out;
}
