/**
 * One RTCPeerConnection to the other participant of a call, with the "perfect negotiation"
 * pattern (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example): either side may
 * renegotiate at any time (voice → video, screen sharing in a voice call, ICE restarts), and
 * when both offer at once the polite side (the callee) rolls back while the impolite side (the
 * caller) ignores the colliding offer. Signals go out through `send` (the room socket) and come
 * in through `handleSignal`, applied strictly in order.
 *
 * Tracks are set, never juggled: `setTracks(audio, video)` puts the wanted tracks on the
 * senders with RTCRtpSender.replaceTrack (no renegotiation) and only adds a transceiver when
 * there is no sender of that kind yet (which renegotiates). The callee attaches its tracks when
 * the first offer arrives, so the first exchange never collides.
 *
 * In a secret chat the senders carry no track until the other side's DTLS fingerprint is
 * verified end to end (`holdMedia`, releaseMedia(); services/call-verification.ts), and every
 * SDP set is reported (`onDescription`) so it can be checked.
 *
 * A data channel ("control") carries the peers' own media state (muted, camera, sharing) so
 * each side can show it; it needs no server support.
 *
 * The network: ICE `failed` restarts ICE at once, `disconnected` after a short grace, and so
 * does the browser reporting a network change (online, connection type change).
 */
import type { CallSignal } from '../lib/protocol';

export type LinkState = 'new' | 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

export interface PeerMediaState {
  muted: boolean;
  /** Sending video (camera or screen). */
  video: boolean;
  sharing: boolean;
}

export interface LinkStats {
  /** Round-trip time of the selected candidate pair, ms. */
  rttMs: number | null;
  /** Incoming packets lost since the previous sample, %. */
  lossPct: number | null;
  /** Type of my selected candidate: host, srflx, prflx or relay. */
  localCandidateType: string | null;
  remoteCandidateType: string | null;
  quality: 'good' | 'fair' | 'poor' | 'unknown';
}

export interface PeerLinkOptions {
  iceServers: RTCIceServer[];
  /** Only relayed (TURN) candidates: hides both sides' addresses from each other. */
  relayOnly: boolean;
  /** The callee is polite: it yields when both sides offer at once. */
  polite: boolean;
  /** Sends a signal to the other side; false when it could not be sent (socket down). */
  send(signal: CallSignal): boolean;
  /** The other side's media (a new stream when its set of tracks changes); `video`: a video track is live and unmuted. */
  onRemote(stream: MediaStream | null, video: boolean): void;
  onState(state: LinkState): void;
  onPeerMedia(state: PeerMediaState): void;
  onError(message: string): void;
  /**
   * Secret chats: send no media until releaseMedia() (the other side's DTLS fingerprint is
   * verified end to end first). The transceivers are made as usual, only without tracks.
   */
  holdMedia?: boolean;
  /** Every SDP this side set: its own (`local`) and the one relayed from the other side (`remote`). */
  onDescription?(side: 'local' | 'remote', sdp: string): void;
}

const DISCONNECTED_GRACE_MS = 2500;

export class PeerLink {
  readonly pc: RTCPeerConnection;
  private makingOffer = false;
  private ignoreOffer = false;
  private settingRemoteAnswer = false;
  private chain: Promise<void> = Promise.resolve();
  private channel: RTCDataChannel | null = null;
  private wanted: { audio: MediaStreamTrack | null; video: MediaStreamTrack | null } = { audio: null, video: null };
  /** Polite side before the first offer: tracks wait for it. */
  private waitingForOffer: boolean;
  private mediaState: PeerMediaState | null = null;
  private remoteTracks = new Set<MediaStreamTrack>();
  private remoteStream: MediaStream | null = null;
  private disconnectedTimer: ReturnType<typeof setTimeout> | undefined;
  private everConnected = false;
  private closed = false;
  private lastInbound = { lost: 0, received: 0 };
  /** Did a signal fail to go out? Then the other side may lack candidates: resync() restarts ICE. */
  lostSignals = false;
  private held: boolean;

  constructor(private readonly opts: PeerLinkOptions) {
    this.waitingForOffer = opts.polite;
    this.held = opts.holdMedia ?? false;
    this.pc = new RTCPeerConnection({
      iceServers: opts.iceServers,
      iceTransportPolicy: opts.relayOnly ? 'relay' : 'all',
      bundlePolicy: 'max-bundle',
      rtcpMuxPolicy: 'require',
    });
    const pc = this.pc;

    pc.onnegotiationneeded = async () => {
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        if (pc.localDescription) this.sendLocal('offer', pc.localDescription.sdp);
      } catch (err) {
        this.report('Could not renegotiate the call', err);
      } finally {
        this.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      this.sendSignal({ kind: 'ice', candidate: candidate && candidate.candidate ? candidate.toJSON() : null } as CallSignal);
    };
    pc.ontrack = ({ track }) => {
      this.remoteTracks.add(track);
      track.addEventListener('ended', () => {
        this.remoteTracks.delete(track);
        this.emitRemote();
      });
      // Chrome mutes a receiving track while no media arrives (e.g. the sender's camera is off).
      track.addEventListener('mute', () => this.emitRemote());
      track.addEventListener('unmute', () => this.emitRemote());
      this.emitRemote();
    };
    // The link's state is the transport's (ICE and DTLS): ICE alone reads 'connected' before the
    // DTLS handshake that media needs has finished, so a call would show connected too early.
    pc.onconnectionstatechange = () => this.onTransportState();

    // The caller opens the control channel; the callee receives it.
    if (!opts.polite) this.useChannel(pc.createDataChannel('control', { ordered: true }));
    else pc.ondatachannel = ({ channel }) => this.useChannel(channel);

    window.addEventListener('online', this.onNetworkChange);
    connection()?.addEventListener?.('change', this.onNetworkChange);
  }

  // ---------------------------------------------------------------- tracks

  /** The tracks that should go out now (null: send nothing of that kind). */
  setTracks(audio: MediaStreamTrack | null, video: MediaStreamTrack | null) {
    this.wanted = { audio, video };
    if (!this.waitingForOffer) this.applyTracks();
  }

  private applyTracks() {
    if (this.closed) return;
    this.applyTrack('audio', this.wanted.audio);
    this.applyTrack('video', this.wanted.video);
  }

  /** Starts sending the tracks held back until now (holdMedia). */
  releaseMedia() {
    this.held = false;
    if (!this.waitingForOffer) this.applyTracks();
  }

  private applyTrack(kind: 'audio' | 'video', wanted: MediaStreamTrack | null) {
    // Held: the transceivers exist (no renegotiation on release), their senders carry nothing.
    const track = this.held ? null : wanted;
    const transceivers = this.pc.getTransceivers().filter((t) => t.currentDirection !== 'stopped' && t.direction !== 'stopped' && t.receiver.track.kind === kind);
    // Prefer the transceiver already sending (or meant to send) this kind: replace in place.
    const sending = transceivers.find((t) => t.direction === 'sendrecv' || t.direction === 'sendonly');
    if (sending) {
      if (sending.sender.track !== track) void sending.sender.replaceTrack(track).catch((err) => this.report('Could not switch the track', err));
      return;
    }
    if (!wanted) return;
    // A transceiver the other side created (it sends, we only received): start sending on it.
    const receiving = transceivers.find((t) => t.sender.track === null);
    if (receiving) {
      if (track) void receiving.sender.replaceTrack(track).catch((err) => this.report('Could not start sending', err));
      receiving.direction = 'sendrecv';
      return;
    }
    this.pc.addTransceiver(track ?? kind, { direction: 'sendrecv' });
  }

  /** Tells the other side whether I am muted, sending video, sharing my screen. */
  setMediaState(state: PeerMediaState) {
    this.mediaState = state;
    this.sendControl();
  }

  private sendControl() {
    if (this.channel?.readyState === 'open' && this.mediaState) {
      try {
        this.channel.send(JSON.stringify({ type: 'media', ...this.mediaState }));
      } catch {
        // The channel closes with the call.
      }
    }
  }

  private useChannel(channel: RTCDataChannel) {
    this.channel = channel;
    channel.onopen = () => this.sendControl();
    if (channel.readyState === 'open') this.sendControl();
    channel.onmessage = (event) => {
      try {
        const msg = JSON.parse(String(event.data)) as Partial<PeerMediaState> & { type?: string };
        if (msg.type === 'media') this.opts.onPeerMedia({ muted: Boolean(msg.muted), video: Boolean(msg.video), sharing: Boolean(msg.sharing) });
      } catch {
        // Not ours: ignore.
      }
    };
  }

  private emitRemote() {
    if (this.closed) return;
    const live = [...this.remoteTracks].filter((t) => t.readyState === 'live');
    const current = this.remoteStream?.getTracks() ?? [];
    // A new stream only when the set of tracks changed: the <video> keeps playing otherwise.
    if (live.length !== current.length || live.some((t) => !current.includes(t))) {
      this.remoteStream = live.length ? new MediaStream(live) : null;
    }
    this.opts.onRemote(this.remoteStream, live.some((t) => t.kind === 'video' && !t.muted));
  }

  // ---------------------------------------------------------------- signaling

  private sendLocal(kind: 'offer' | 'answer', sdp: string) {
    this.opts.onDescription?.('local', sdp);
    this.sendSignal({ kind, sdp });
  }

  private sendSignal(signal: CallSignal) {
    if (this.closed) return;
    if (!this.opts.send(signal)) this.lostSignals = true;
  }

  /** Applies the other side's offer, answer or candidate, in arrival order. */
  handleSignal(signal: CallSignal) {
    this.chain = this.chain.then(() => this.apply(signal)).catch((err) => this.report('Call negotiation failed', err));
  }

  private async apply(signal: CallSignal) {
    if (this.closed) return;
    const pc = this.pc;
    if (signal.kind === 'ice') {
      try {
        if (signal.candidate) await pc.addIceCandidate(signal.candidate);
      } catch (err) {
        if (!this.ignoreOffer) throw err;
      }
      return;
    }
    const readyForOffer = !this.makingOffer && (pc.signalingState === 'stable' || this.settingRemoteAnswer);
    const collision = signal.kind === 'offer' && !readyForOffer;
    this.ignoreOffer = !this.opts.polite && collision;
    if (this.ignoreOffer) return;
    this.settingRemoteAnswer = signal.kind === 'answer';
    this.opts.onDescription?.('remote', signal.sdp);
    try {
      await pc.setRemoteDescription({ type: signal.kind, sdp: signal.sdp });
    } finally {
      this.settingRemoteAnswer = false;
    }
    if (signal.kind === 'offer') {
      if (this.waitingForOffer) {
        this.waitingForOffer = false;
        this.applyTracks();
      }
      await pc.setLocalDescription();
      if (pc.localDescription) this.sendLocal('answer', pc.localDescription.sdp);
    }
  }

  /**
   * After the signaling path was down (a socket reconnected and rejoined): whatever was lost is
   * recovered by offering again (if an offer was pending) or by an ICE restart.
   */
  resync() {
    if (this.closed) return;
    const pc = this.pc;
    if (pc.signalingState === 'have-local-offer' && pc.localDescription) {
      this.sendSignal({ kind: 'offer', sdp: pc.localDescription.sdp });
    } else if (this.lostSignals || pc.connectionState !== 'connected') {
      this.restartIce();
    }
    this.lostSignals = false;
  }

  restartIce() {
    if (this.closed || this.waitingForOffer) return;
    this.pc.restartIce();
  }

  private onNetworkChange = () => {
    if (this.everConnected) this.restartIce();
  };

  private onTransportState() {
    const s = this.pc.connectionState;
    clearTimeout(this.disconnectedTimer);
    switch (s) {
      case 'connecting':
        this.opts.onState(this.everConnected ? 'reconnecting' : 'connecting');
        return;
      case 'connected':
        this.everConnected = true;
        this.opts.onState('connected');
        return;
      case 'disconnected':
        this.opts.onState('reconnecting');
        this.disconnectedTimer = setTimeout(() => {
          if (this.pc.connectionState === 'disconnected') this.restartIce();
        }, DISCONNECTED_GRACE_MS);
        return;
      case 'failed':
        this.opts.onState(this.everConnected ? 'reconnecting' : 'failed');
        this.restartIce();
        return;
      case 'closed':
        this.opts.onState('closed');
        return;
      default:
        this.opts.onState('new');
    }
  }

  // ---------------------------------------------------------------- stats

  async stats(): Promise<LinkStats> {
    const { stats, inbound } = readLinkStats(await this.pc.getStats(), this.lastInbound);
    this.lastInbound = inbound;
    return stats;
  }

  // ---------------------------------------------------------------- end

  close() {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.disconnectedTimer);
    window.removeEventListener('online', this.onNetworkChange);
    connection()?.removeEventListener?.('change', this.onNetworkChange);
    try {
      this.channel?.close();
    } catch {
      // closing anyway
    }
    this.pc.close();
    this.remoteStream = null;
  }

  private report(what: string, err: unknown) {
    if (this.closed) return;
    if (import.meta.env.DEV) console.warn(what, err);
    this.opts.onError(`${what}.`);
  }
}

/**
 * A connection's quality from its stats report: the selected candidate pair's round trip, and
 * the loss on its inbound RTP since `previous` (only the streams `inbound` picks: over the SFU,
 * one person's tracks on the shared connection).
 */
export function readLinkStats(
  report: RTCStatsReport,
  previous: { lost: number; received: number },
  inbound: (s: { mid?: string }) => boolean = () => true,
): { stats: LinkStats; inbound: { lost: number; received: number } } {
  let pairId: string | undefined;
  report.forEach((s) => {
    if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
  });
  let pair: { currentRoundTripTime?: number; localCandidateId?: string; remoteCandidateId?: string } | undefined;
  if (pairId) pair = report.get(pairId);
  if (!pair) {
    report.forEach((s) => {
      if (s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated) pair ??= s;
    });
  }
  let lost = 0;
  let received = 0;
  report.forEach((s) => {
    if (s.type === 'inbound-rtp' && inbound(s)) {
      lost += s.packetsLost ?? 0;
      received += s.packetsReceived ?? 0;
    }
  });
  const dLost = Math.max(0, lost - previous.lost);
  const dReceived = Math.max(0, received - previous.received);
  const lossPct = dLost + dReceived > 0 ? (100 * dLost) / (dLost + dReceived) : null;
  const rttMs = pair?.currentRoundTripTime !== undefined ? Math.round(pair.currentRoundTripTime * 1000) : null;
  const local = pair?.localCandidateId ? report.get(pair.localCandidateId) : undefined;
  const remote = pair?.remoteCandidateId ? report.get(pair.remoteCandidateId) : undefined;
  return {
    stats: {
      rttMs,
      lossPct,
      localCandidateType: local?.candidateType ?? null,
      remoteCandidateType: remote?.candidateType ?? null,
      quality: rateQuality(rttMs, lossPct),
    },
    inbound: { lost, received },
  };
}

/** Good below ~250 ms and 2 % loss; poor above ~500 ms or 8 %. */
export function rateQuality(rttMs: number | null, lossPct: number | null): LinkStats['quality'] {
  if (rttMs === null && lossPct === null) return 'unknown';
  const rtt = rttMs ?? 0;
  const loss = lossPct ?? 0;
  if (rtt < 250 && loss < 2) return 'good';
  if (rtt < 500 && loss < 8) return 'fair';
  return 'poor';
}

/** The Network Information API, where the browser has it (Chromium). */
function connection(): EventTarget | undefined {
  return (navigator as Navigator & { connection?: EventTarget }).connection;
}
