/**
 * The calls of one tab: at most one at a time, from the first ring to the last frame.
 *
 * Signaling: each call has its own socket to the call's room (`/ws/rooms/:id`, no catch-up),
 * separate from the chat window's. The room binds the call to the socket that sent
 * `call_start` / `call_accept`, so the call keeps working while the person moves around the app,
 * and its frames (errors included) never disturb the chat. After that socket reconnects, it
 * sends `call_rejoin` and the media path is resynchronised (PeerLink.resync).
 *
 * Ringing comes from the inbox (`incoming_call`, and `call_state` to stop ringing when it was
 * answered elsewhere or the caller gave up); the reducer in lib/call-state.ts decides what
 * every frame means. Media: LocalMedia (mine) and PeerLink (the connection).
 *
 * Relay-only calls (TURN only, so neither side learns the other's IP address) are switched on
 * with localStorage `edge-chat:relay-only` = `1`.
 */
import { api, errorMessage } from './api';
import { createRoomSocket, type ConnectionState, type RoomSocket } from './socket';
import { LocalMedia, MediaError } from './local-media';
import { CallStore } from './call-store';
import { PeerLink, type LinkState, type LinkStats, type PeerMediaState } from './peer-link';
import { callReducer, IDLE, isLive, type CallEvent, type CallMedia, type CallView } from '../lib/call-state';
import { CALL_VERIFICATION_FAILED, CallVerification, type CallVerificationView } from './call-verification';
import { secretChatsFor } from './secret-chats-lazy';
import type { DirectCallSignal, InboxFrame, ServerFrame } from '../lib/protocol';

export const RELAY_ONLY_KEY = 'edge-chat:relay-only';

export type SignalingState = 'idle' | 'connecting' | 'open' | 'reconnecting';

export interface CallSnapshot {
  view: CallView;
  signaling: SignalingState;
  link: LinkState;
  remoteStream: MediaStream | null;
  /** The other side's video is arriving (a live, unmuted video track). */
  remoteVideo: boolean;
  /** What the other side says about its media (null until its first word). */
  peerMedia: PeerMediaState | null;
  /** A passing problem worth a line on the call screen. */
  notice: string | null;
  /** A secret chat's call: whether its media is bound to the other person's device yet (null elsewhere). */
  e2e: CallVerificationView | null;
}

const IDLE_SNAPSHOT: CallSnapshot = {
  view: IDLE,
  signaling: 'idle',
  link: 'new',
  remoteStream: null,
  remoteVideo: false,
  peerMedia: null,
  notice: null,
  e2e: null,
};

/** Long enough to read the outcome; a call that merely stopped ringing here vanishes at once. */
const OUTCOME_VISIBLE_MS = 3500;
/** The room socket must come up within this (the ring timeout is 30 s anyway). */
const SIGNALING_TIMEOUT_MS = 20_000;
/** An answered call whose media never connects is given up (and said why). */
const CONNECT_TIMEOUT_MS = 30_000;
/** After `not_found` for a live call, how long its final `call_state` may take to arrive. */
const NOT_FOUND_GRACE_MS = 3000;
/** A secret chat's call whose fingerprints are not confirmed end to end by then is ended. */
const VERIFY_TIMEOUT_MS = 30_000;

export function relayOnlyPreferred(): boolean {
  try {
    return localStorage.getItem(RELAY_ONLY_KEY) === '1';
  } catch {
    return false;
  }
}

function hasTurn(servers: RTCIceServer[]): boolean {
  return servers.some((s) => [s.urls].flat().some((u) => /^turns?:/.test(u)));
}

export class CallClient extends CallStore<CallSnapshot> {
  readonly media = new LocalMedia();
  private socket: RoomSocket | null = null;
  private link: PeerLink | null = null;
  private iceServers: RTCIceServer[] = [];
  private relayOnly = false;
  /** The room accepted call_start / call_accept on the current call's socket. */
  private joined = false;
  private rejoining = false;
  private pendingSignals: DirectCallSignal[] = [];
  private unsubscribeMedia: (() => void) | null = null;
  /** The current call is in a secret chat (docs/e2e.md): its DTLS fingerprints are checked end to end. */
  private secret = false;
  get inSecretChat(): boolean {
    return this.secret;
  }
  private verification: CallVerification | null = null;
  /** The other side's media, kept back until the call is verified. */
  private heldRemote: { stream: MediaStream | null; video: boolean } | null = null;

  constructor(private readonly me: string) {
    super(IDLE_SNAPSHOT);
  }

  static readonly idle = IDLE_SNAPSHOT;

  private get view(): CallView {
    return this.snapshot.view;
  }

  private dispatch(event: CallEvent) {
    const prev = this.view;
    const next = callReducer(prev, event);
    if (next === prev) return;
    this.set({ view: next });
    if (next.phase === 'active' && prev.phase !== 'active') this.startLink();
    if (next.phase === 'ended' && prev.phase !== 'ended') this.finish(prev);
  }

  // ---------------------------------------------------------------- actions

  /** Calls the other member of a 1-to-1 room (`secret`: a secret chat's room). */
  async dial(roomId: string, peerId: string, media: CallMedia, secret = false): Promise<void> {
    if (this.view.phase !== 'idle' && this.view.phase !== 'ended') return;
    this.reset();
    this.secret = secret;
    const callId = crypto.randomUUID();
    this.dispatch({ type: 'dial', callId, roomId, media, peerId });
    if (!(await this.prepare(media === 'video', callId))) return;
    this.openSignaling(roomId, callId);
  }

  /** Picks up the call ringing here (optionally without my camera; `secret`: it rings in a secret chat). */
  async answer(video: boolean, secret = false): Promise<void> {
    const v = this.view;
    if (v.phase !== 'incoming' || !v.callId || !v.roomId) return;
    const { callId, roomId } = v;
    this.secret = secret;
    this.dispatch({ type: 'answer' });
    if (!(await this.prepare(video && v.media === 'video', callId))) {
      // No microphone here: don't leave the caller ringing.
      sendOnce(roomId, { type: 'call_reject', callId });
      return;
    }
    this.openSignaling(roomId, callId);
  }

  /** Declines the call ringing here (the room needs a socket for that: the inbox only listens). */
  decline(): void {
    const v = this.view;
    if (v.phase !== 'incoming' || !v.callId || !v.roomId) return this.hangUp();
    this.dispatch({ type: 'hangup', now: Date.now() });
    sendOnce(v.roomId, { type: 'call_reject', callId: v.callId });
  }

  /** Ends my call: cancels it while it rings, hangs up once answered. */
  hangUp(): void {
    const v = this.view;
    if (v.phase === 'incoming') return this.decline();
    if (v.phase !== 'outgoing' && v.phase !== 'accepting' && v.phase !== 'active') return;
    if (v.callId && this.joined) this.socket?.send({ type: 'call_hangup', callId: v.callId });
    // Answering, but the room has not heard it yet: decline instead, or the caller keeps ringing.
    else if (v.phase === 'accepting' && v.callId && v.roomId) sendOnce(v.roomId, { type: 'call_reject', callId: v.callId });
    this.dispatch({ type: 'hangup', now: Date.now() });
  }

  /** Frames from the inbox socket: ringing, and a ringing call stopping elsewhere. */
  fromInbox(frame: Extract<InboxFrame, { type: 'incoming_call' | 'call_state' }>) {
    const call = frame.call;
    if (frame.type === 'incoming_call') {
      if (call.calleeId === this.me) this.dispatch({ type: 'ring', call });
      return;
    }
    if (call.id !== this.view.callId) return;
    const terminal = call.status !== 'ringing' && call.status !== 'accepted';
    // A call ringing here follows the inbox; a live call follows its own socket, with the
    // inbox only as a safety net for its end (e.g. while that socket is reconnecting).
    if (this.view.phase === 'incoming' || terminal) this.dispatch({ type: 'server', call, now: Date.now() });
  }

  /** Closes the outcome screen now. */
  dismiss() {
    if (this.view.phase === 'ended') this.reset();
  }

  async stats(): Promise<LinkStats | null> {
    return this.link ? this.link.stats() : null;
  }

  dispose() {
    this.hangUp();
    this.teardown();
    this.clearTimers();
    this.forgetListeners();
  }

  // ---------------------------------------------------------------- internals

  private reset() {
    this.clearTimers();
    this.teardown();
    this.replace(IDLE_SNAPSHOT);
  }

  private fail(error: string) {
    this.dispatch({ type: 'fail', error, now: Date.now() });
  }

  /** Gives up on a call the room still thinks is going on: hang up there, then fail here. */
  private abandon(error: string) {
    const v = this.view;
    if (v.callId && this.joined) this.socket?.send({ type: 'call_hangup', callId: v.callId });
    this.fail(error);
  }

  /** Microphone (and camera) and ICE servers, before the room hears from us. */
  private async prepare(video: boolean, callId: string): Promise<boolean> {
    this.relayOnly = relayOnlyPreferred();
    try {
      // A secret call's device must be in the key directory before the other side seals for it.
      const [ice] = await Promise.all([api.iceServers(), this.media.acquire(video), this.secret ? secretChatsFor(this.me).then((s) => s.ready()) : undefined]);
      this.iceServers = ice.iceServers;
      if (this.relayOnly && !hasTurn(this.iceServers)) {
        throw new MediaError('Relay-only calling is on, but this server offers no TURN relay.');
      }
    } catch (err) {
      if (this.view.callId === callId) this.fail(err instanceof MediaError ? err.message : errorMessage(err));
      else this.media.release();
      return false;
    }
    // Hung up while we were asking for the camera.
    if (this.view.callId !== callId || this.view.phase === 'ended') {
      this.media.release();
      return false;
    }
    return true;
  }

  private openSignaling(roomId: string, callId: string) {
    this.joined = false;
    this.rejoining = false;
    this.set({ signaling: 'connecting' });
    const socket: RoomSocket = createRoomSocket(roomId, async () => ({ after: undefined }), {
      onFrame: (frame) => {
        if (this.socket === socket) this.onFrame(socket, callId, frame);
      },
      onState: (state) => {
        if (this.socket === socket) this.onSocketState(state);
      },
    });
    this.socket = socket;
    socket.start();
    this.later(SIGNALING_TIMEOUT_MS, () => {
      if (!this.joined && this.view.callId === callId) this.fail("Couldn't reach the server. Check your connection.");
    });
  }

  private onSocketState(state: ConnectionState) {
    switch (state.status) {
      case 'open':
        this.set({ signaling: 'open' });
        return;
      case 'connecting':
        this.set({ signaling: this.joined ? 'reconnecting' : 'connecting' });
        return;
      case 'waiting':
      case 'offline':
        this.set({ signaling: this.joined ? 'reconnecting' : 'connecting' });
        return;
      case 'failed':
        this.fail(state.reason);
        return;
      case 'closed':
        return;
    }
  }

  private onFrame(socket: RoomSocket, callId: string, frame: ServerFrame) {
    const v = this.view;
    switch (frame.type) {
      case 'ready':
        socket.markHealthy();
        if (!this.joined) {
          this.joined = true;
          socket.send(v.direction === 'outgoing' ? { type: 'call_start', callId, media: v.media } : { type: 'call_accept', callId });
        } else {
          // A new socket after a drop: carry the call on it.
          this.rejoining = true;
          socket.send({ type: 'call_rejoin', callId });
        }
        return;
      case 'call_state': {
        if (frame.call.id !== callId) return;
        const rejoined = this.rejoining;
        this.rejoining = false;
        // Reconnected before the room heard my accept: say it again.
        if (rejoined && v.phase === 'accepting' && frame.call.status === 'ringing') {
          socket.send({ type: 'call_accept', callId });
          return;
        }
        const wasActive = v.phase === 'active';
        this.dispatch({ type: 'server', call: frame.call, now: Date.now() });
        // `accepted` again mid-call: one side rejoined after a drop; signals may have been lost.
        if (wasActive && this.view.phase === 'active' && frame.call.status === 'accepted') {
          this.link?.resync();
          this.verification?.resend();
        }
        return;
      }
      case 'call_signal':
        if (frame.callId !== callId || frame.fromUserId !== v.peerId) return;
        if (this.link) this.route(frame.signal);
        else this.pendingSignals.push(frame.signal);
        return;
      case 'error':
        this.onError(frame);
        return;
      default:
        // Chat frames (messages, typing, presence) are the chat window's business.
        return;
    }
  }

  private onError(frame: Extract<ServerFrame, { type: 'error' }>) {
    const v = this.view;
    switch (frame.code) {
      case 'busy':
        this.fail(/already in a call/.test(frame.message) ? "You're already in a call." : 'A call is already going on in this conversation.');
        return;
      case 'not_found': {
        // The call is over server-side. Usually its `call_state` is on the way (a signal of mine
        // crossed the other side's hang-up): give it a moment to say how it ended.
        const callId = v.callId;
        this.later(NOT_FOUND_GRACE_MS, () => {
          if (this.view.callId === callId && isLive(this.view)) {
            this.fail(this.view.phase === 'active' ? 'The call was disconnected.' : 'This call is no longer available.');
          }
        });
        return;
      }
      case 'forbidden':
      case 'not_a_member':
        this.fail(sentence(frame.message));
        return;
      case 'unavailable':
      case 'rate_limited':
        // A signal did not reach the other side: resynchronise once it is back.
        if (this.link) this.link.lostSignals = true;
        if (frame.code === 'rate_limited') this.later(frame.retryAfterMs ?? 2000, () => this.link?.resync());
        return;
      default:
        if (import.meta.env.DEV) console.warn('call socket error', frame.code, frame.message);
    }
  }

  /** A signal from the other side: sealed fingerprints to the verification, the rest to the connection. */
  private route(signal: DirectCallSignal) {
    if (signal.kind === 'sealed') void this.verification?.receive(signal.sealed);
    else this.link?.handleSignal(signal);
  }

  private startLink() {
    const v = this.view;
    const callId = v.callId!;
    const verification = this.secret ? this.startVerification(callId) : null;
    const link = new PeerLink({
      iceServers: this.iceServers,
      relayOnly: this.relayOnly,
      polite: v.direction === 'incoming',
      holdMedia: verification !== null,
      onDescription: verification ? (side, sdp) => verification.description(side, sdp) : undefined,
      send: (signal) => this.socket?.send({ type: 'call_signal', callId, signal }) ?? false,
      onRemote: (remoteStream, remoteVideo) => {
        if (this.link !== link) return;
        if (verification && verification.state !== 'verified') this.heldRemote = { stream: remoteStream, video: remoteVideo };
        else this.set({ remoteStream, remoteVideo });
      },
      onState: (state) => {
        if (this.link !== link) return;
        this.set({ link: state });
        if (state === 'failed') {
          this.set({ notice: this.relayOnly ? 'Could not reach the TURN relay.' : 'Could not connect. Trying again…' });
        } else if (state === 'connected') {
          this.set({ notice: null });
        }
      },
      onPeerMedia: (peerMedia) => {
        if (this.link === link) this.set({ peerMedia });
      },
      onError: (notice) => {
        if (this.link === link) this.set({ notice });
      },
    });
    this.link = link;
    // A voice call I turn my camera on in is logged as a video call: the room is told once.
    let toldVideo = v.media === 'video';
    const sync = () => {
      const m = this.media.state;
      link.setTracks(m.audioTrack, m.videoTrack);
      link.setMediaState({ muted: m.muted, video: m.videoTrack !== null, sharing: m.sharing });
      if (m.cameraOn && !toldVideo) toldVideo = this.socket?.send({ type: 'call_video', callId }) ?? false;
    };
    sync();
    this.unsubscribeMedia = this.media.subscribe(sync);
    for (const s of this.pendingSignals.splice(0)) this.route(s);
    this.later(CONNECT_TIMEOUT_MS, () => {
      if (this.link === link && this.snapshot.link !== 'connected' && this.snapshot.link !== 'reconnecting') {
        this.abandon(
          this.relayOnly
            ? 'The call could not connect through the TURN relay.'
            : 'The call could not connect. Your network may need a TURN relay.',
        );
      }
    });
  }

  /**
   * A secret chat's call: my fingerprints go out sealed, the other side's are checked against
   * the relayed SDP. Verified: media flows both ways. Not verified: the call ends, and says why.
   */
  private startVerification(callId: string): CallVerification {
    const verification = new CallVerification({
      me: this.me,
      peerId: this.view.peerId!,
      callId,
      role: this.view.direction === 'outgoing' ? 'caller' : 'callee',
      send: (sealed) => {
        if (!this.socket?.send({ type: 'call_signal', callId, signal: { kind: 'sealed', sealed } }) && this.link) this.link.lostSignals = true;
      },
      onChange: (e2e) => {
        if (this.verification !== verification) return;
        const was = this.snapshot.e2e?.state;
        this.set({ e2e });
        if (e2e.state === 'verified' && was !== 'verified') {
          this.link?.releaseMedia();
          if (this.heldRemote) this.set({ remoteStream: this.heldRemote.stream, remoteVideo: this.heldRemote.video });
          this.heldRemote = null;
        } else if (e2e.state === 'failed' && was !== 'failed') {
          this.abandon(e2e.failure ?? CALL_VERIFICATION_FAILED);
        }
      },
    });
    this.verification = verification;
    this.set({ e2e: { state: 'verifying', identityVerified: false, failure: null } });
    this.later(VERIFY_TIMEOUT_MS, () => {
      if (this.verification === verification && verification.state === 'verifying') verification.fail(CALL_VERIFICATION_FAILED);
    });
    return verification;
  }

  /** The call is over here: release everything, show the outcome for a moment. */
  private finish(prev: CallView) {
    this.teardown();
    const v = this.view;
    const silent = prev.phase === 'incoming' && v.direction === 'incoming';
    this.later(silent ? 0 : OUTCOME_VISIBLE_MS, () => {
      if (this.view === v) this.reset();
    });
  }

  private teardown() {
    this.unsubscribeMedia?.();
    this.unsubscribeMedia = null;
    this.verification?.close();
    this.verification = null;
    this.heldRemote = null;
    this.link?.close();
    this.link = null;
    this.media.release();
    this.socket?.stop();
    this.socket = null;
    this.joined = false;
    this.rejoining = false;
    this.pendingSignals = [];
    if (this.snapshot.remoteStream || this.snapshot.signaling !== 'idle' || this.snapshot.link !== 'new') {
      this.set({ signaling: 'idle', link: 'new', remoteStream: null, remoteVideo: false, peerMedia: null });
    }
  }
}

export function sentence(s: string): string {
  const t = s.trim();
  if (!t) return 'The call failed.';
  const cap = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?]$/.test(cap) ? cap : `${cap}.`;
}

/**
 * Opens a room socket just to send one call frame (declining a call that rang through the
 * inbox), and closes it once the room answered (or after a while).
 */
function sendOnce(roomId: string, frame: Parameters<RoomSocket['send']>[0]) {
  let sent = false;
  const socket = createRoomSocket(roomId, async () => ({ after: undefined }), {
    onFrame(f) {
      if (f.type === 'ready' && !sent) sent = socket.send(frame);
      else if (sent && (f.type === 'call_state' || f.type === 'error')) socket.stop();
    },
    onState(s) {
      if (s.status === 'failed') socket.stop();
    },
  });
  socket.start();
  setTimeout(() => socket.stop(), 10_000);
}
