/** The Double Ratchet's behaviour: both directions, out-of-order and skipped keys, replays and tampering. */
import { describe, expect, it } from 'vitest';
import { randomBytes } from './primitives';
import { generateDhKeyPair } from './primitives';
import { decodeHeader, MAX_SKIP, ratchetDecrypt, ratchetEncrypt, ratchetInitAlice, ratchetInitBob, type RatchetCiphertext, type RatchetState } from './ratchet';
import { utf8 } from './bytes';

const AD = utf8.encode('associated data');

function pair(): { alice: RatchetState; bob: RatchetState } {
  const sk = randomBytes(32);
  const bobKeys = generateDhKeyPair();
  return { alice: ratchetInitAlice(sk, bobKeys.publicKey), bob: ratchetInitBob(sk, bobKeys) };
}

class Party {
  constructor(public state: RatchetState) {}
  send(text: string): RatchetCiphertext {
    const { state, message } = ratchetEncrypt(this.state, utf8.encode(text), AD);
    this.state = state;
    return message;
  }
  receive(message: RatchetCiphertext): string {
    const { state, plaintext } = ratchetDecrypt(this.state, message, AD);
    this.state = state;
    return utf8.decode(plaintext);
  }
}

describe('Double Ratchet', () => {
  it('carries messages both ways, turning the DH ratchet at each change of speaker', () => {
    const { alice: a, bob: b } = pair();
    const alice = new Party(a);
    const bob = new Party(b);
    expect(() => bob.send('too early')).toThrow(/cannot send/);
    const first = alice.send('hello bob');
    expect(bob.receive(first)).toBe('hello bob');
    const reply = bob.send('hello alice');
    expect(decodeHeader(reply.header).dh).not.toEqual(decodeHeader(first.header).dh);
    expect(alice.receive(reply)).toBe('hello alice');
    for (let i = 0; i < 3; i++) expect(bob.receive(alice.send(`a${i}`))).toBe(`a${i}`);
    expect(alice.receive(bob.send('last'))).toBe('last');
  });

  it('opens messages out of order within a chain and across ratchet steps (skipped keys)', () => {
    const { alice: a, bob: b } = pair();
    const alice = new Party(a);
    const bob = new Party(b);
    const a1 = alice.send('a1');
    const a2 = alice.send('a2');
    const a3 = alice.send('a3');
    expect(bob.receive(a3)).toBe('a3');
    expect(Object.keys(bob.state.MKSKIPPED)).toHaveLength(2);
    expect(alice.receive(bob.send('b1'))).toBe('b1');
    // Alice's next chain: Bob gets a4 of it before the old chain's a1 and a2.
    const a4 = alice.send('a4');
    const a5 = alice.send('a5');
    expect(bob.receive(a5)).toBe('a5');
    expect(decodeHeader(a5.header).pn).toBe(3);
    expect(bob.receive(a1)).toBe('a1');
    expect(bob.receive(a4)).toBe('a4');
    expect(bob.receive(a2)).toBe('a2');
    expect(Object.keys(bob.state.MKSKIPPED)).toHaveLength(0);
  });

  it('refuses a replay: a message key is used once and deleted', () => {
    const { alice: a, bob: b } = pair();
    const alice = new Party(a);
    const bob = new Party(b);
    const m1 = alice.send('once');
    const m2 = alice.send('twice?');
    expect(bob.receive(m2)).toBe('twice?');
    expect(bob.receive(m1)).toBe('once');
    expect(() => bob.receive(m1)).toThrow();
    expect(() => bob.receive(m2)).toThrow();
  });

  it('refuses a tampered ciphertext or header and leaves the state as it was', () => {
    const { alice: a, bob: b } = pair();
    const alice = new Party(a);
    const bob = new Party(b);
    const m = alice.send('intact');
    const before = structuredClone(bob.state);
    const flipped = m.ciphertext.slice();
    flipped[0]! ^= 1;
    expect(() => bob.receive({ header: m.header, ciphertext: flipped })).toThrow();
    const header = m.header.slice();
    header[39]! ^= 1; // n = 1: a skipped key is made, the wrong one
    expect(() => bob.receive({ header, ciphertext: m.ciphertext })).toThrow();
    expect(bob.state).toEqual(before);
    expect(bob.receive(m)).toBe('intact');
  });

  it('refuses to skip more than MAX_SKIP keys in one chain', () => {
    const { alice: a, bob: b } = pair();
    const alice = new Party(a);
    const bob = new Party(b);
    expect(bob.receive(alice.send('start'))).toBe('start');
    alice.state.Ns = MAX_SKIP + 2;
    expect(() => bob.receive(alice.send('far ahead'))).toThrow(/too many skipped/);
  });

  it('refuses other associated data', () => {
    const { alice } = pair();
    const { bob } = pair();
    const { message } = ratchetEncrypt(alice, utf8.encode('x'), AD);
    expect(() => ratchetDecrypt(bob, message, AD)).toThrow();
  });
});
