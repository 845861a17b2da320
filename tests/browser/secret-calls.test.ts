/**
 * Calls in secret chats (docs/e2e.md, "Calls"): each browser sends its DTLS fingerprint
 * sealed in the chat's Double Ratchet session and checks the fingerprint of the SDP the server
 * relayed against it. An honest server: the call screen says "End-to-end encrypted" (and
 * "verified" to the person who verified the safety number). A server that swaps the
 * fingerprint (played here by an init script rewriting the relayed offer in the callee's
 * page): the callee's browser ends the call with a warning.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { apiAs, browserPerFile, closeAll, connected, exchangeMessages, signedIn, shot, type Person } from '../support/browser';

const run = browserPerFile();
const people: Person[] = [];
afterAll(() => closeAll(...people));

/**
 * Runs in the page before the app: rewrites the first byte of every `a=fingerprint` in the
 * offers and answers its sockets receive, as a server in the middle of the call would.
 */
function swapRelayedFingerprints() {
  const NativeWs = window.WebSocket;
  const onmessage = Object.getOwnPropertyDescriptor(NativeWs.prototype, 'onmessage')!;
  const rewrite = (event: MessageEvent): MessageEvent => {
    if (typeof event.data !== 'string' || !event.data.includes('"call_signal"')) return event;
    const frame = JSON.parse(event.data) as { type: string; signal?: { sdp?: string } };
    if (frame.type !== 'call_signal' || !frame.signal?.sdp) return event;
    frame.signal.sdp = frame.signal.sdp.replace(/^(a=fingerprint:\S+ )([0-9A-F]{2})/gm, (_, head: string, byte: string) => head + (byte === '00' ? '01' : '00'));
    return new MessageEvent('message', { data: JSON.stringify(frame) });
  };
  window.WebSocket = class extends NativeWs {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      Object.defineProperty(this, 'onmessage', {
        get: () => onmessage.get!.call(this),
        set: (handler: ((event: MessageEvent) => void) | null) =>
          onmessage.set!.call(this, handler && ((event: MessageEvent) => handler.call(this, rewrite(event)))),
      });
    }
  } as typeof WebSocket;
}

/** Runs in the page before the app: records the kind of every track handed to a sender. */
function recordSentTracks() {
  const sent: string[] = [];
  (window as unknown as { __sentTracks: string[] }).__sentTracks = sent;
  const replaceTrack = RTCRtpSender.prototype.replaceTrack;
  RTCRtpSender.prototype.replaceTrack = function (track: MediaStreamTrack | null) {
    if (track) sent.push(track.kind);
    return replaceTrack.call(this, track);
  };
  const addTransceiver = RTCPeerConnection.prototype.addTransceiver;
  RTCPeerConnection.prototype.addTransceiver = function (trackOrKind: MediaStreamTrack | string, init?: RTCRtpTransceiverInit) {
    if (typeof trackOrKind !== 'string') sent.push(trackOrKind.kind);
    return addTransceiver.call(this, trackOrKind, init);
  };
}

const sentTracks = (p: Person) => p.page.evaluate(() => (window as unknown as { __sentTracks: string[] }).__sentTracks);

const screen = (p: Person) => p.page.getByTestId('call-screen');
const e2eBadge = (p: Person) => screen(p).getByTestId('call-e2e');

/** Two people with a secret chat both opened once (their devices are in the key directory); the caller has it open and sees the callee online. */
async function secretPair(names: [string, string], calleeScripts: (() => void)[] = []) {
  const [caller, callee] = await Promise.all([
    signedIn(run.browser, names[0].toLowerCase(), names[0], { initScripts: [recordSentTracks] }),
    signedIn(run.browser, names[1].toLowerCase(), names[1], { initScripts: [recordSentTracks, ...calleeScripts] }),
  ]);
  people.push(caller, callee);
  // Presence (which calls wait for) is shared once both have written in their ordinary chat.
  const { room: direct } = await apiAs(caller).post<{ room: { id: string } }>('/api/rooms/direct', { username: callee.username });
  await exchangeMessages([caller, callee], direct.id);
  const { room } = await apiAs(caller).post<{ room: { id: string } }>('/api/rooms/secret', { username: callee.username });
  for (const p of [callee, caller]) {
    await p.page.goto(`${run.baseUrl}/chat/${room.id}`);
    await connected(p.page);
    await expect.poll(() => p.page.getByTestId('safety-number-button').isEnabled(), { timeout: 20_000 }).toBe(true);
  }
  await expect.poll(() => caller.page.getByTestId('chat-subtitle').textContent(), { timeout: 15_000 }).toBe('online');
  return { caller, callee, roomId: room.id };
}

async function voiceCall(caller: Person, callee: Person) {
  await caller.page.getByTestId('call-voice-button').click();
  await screen(caller).waitFor();
  await callee.page.getByTestId('incoming-call').waitFor({ timeout: 15_000 });
  await callee.page.getByRole('button', { name: 'Accept call' }).click();
}

describe('calls in secret chats', () => {
  it('bind the media to the other device: both see End-to-end encrypted, verified where the safety number is', async () => {
    const { caller: ann, callee: bob } = await secretPair(['Ann', 'Bob']);
    await ann.page.getByTestId('safety-number-button').click();
    await ann.page.getByTestId('safety-verify').click();
    await ann.page.keyboard.press('Escape');
    await expect.poll(() => ann.page.getByTestId('verified-badge').count()).toBe(1);

    await voiceCall(ann, bob);
    for (const p of [ann, bob]) {
      await expect.poll(() => e2eBadge(p).getAttribute('data-state'), { timeout: 30_000 }).toBe('verified');
      await expect.poll(() => screen(p).getAttribute('data-link'), { timeout: 30_000 }).toBe('connected');
    }
    expect(await e2eBadge(ann).textContent()).toBe('End-to-end encrypted · verified');
    expect(await e2eBadge(bob).textContent()).toBe('End-to-end encrypted');
    // Media flows once verified: each side sends its microphone.
    for (const p of [ann, bob]) {
      await expect.poll(() => sentTracks(p)).toContain('audio');
      await expect
        .poll(() => p.page.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid=remote-video]')?.srcObject instanceof MediaStream), { timeout: 20_000 })
        .toBe(true);
    }
    await shot(ann.page, 'secret-call-verified');

    await ann.page.getByRole('button', { name: 'Hang up' }).click();
    for (const p of [ann, bob]) {
      await expect.poll(() => screen(p).getByTestId('call-outcome').getAttribute('data-outcome')).toBe('ended');
    }
  });

  it('is ended with a warning when the relayed SDP carries another fingerprint than the one sent end to end', async () => {
    const { caller: cal, callee: dee } = await secretPair(['Cal', 'Dee'], [swapRelayedFingerprints]);
    await voiceCall(cal, dee);
    await expect.poll(() => screen(dee).getByTestId('call-outcome').getAttribute('data-outcome'), { timeout: 30_000 }).toBe('failed');
    expect(await screen(dee).getByTestId('call-outcome').textContent()).toMatch(/^This call could not be verified: its encryption keys do not match .* someone may be listening in/);
    await shot(dee.page, 'secret-call-not-verified');
    // Nothing of Dee's microphone ever went to a sender: media waits for the check.
    expect(await sentTracks(dee)).toEqual([]);
    // Dee's browser hung up: the call is over for Cal too, and never showed as encrypted.
    await expect.poll(() => screen(cal).getByTestId('call-outcome').getAttribute('data-outcome'), { timeout: 15_000 }).toBe('ended');
  });
});
