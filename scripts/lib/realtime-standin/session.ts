/**
 * One session of the Realtime stand-in: one werift RTCPeerConnection to one browser, as a
 * Cloudflare Realtime session is. Tracks the browser publishes arrive on it (`local` tracks);
 * tracks it pulls (`remote`) are new sendonly transceivers fed with the RTP of another
 * session's published track, rewritten by werift's sender (its SSRC, payload type, sequence).
 * A subscriber's picture-loss requests go back to the publisher, so a new viewer gets a
 * keyframe instead of waiting for the next periodic one (Chrome sends none by itself), and each
 * new pull asks for one when offered and again once the browser has answered.
 */
import { PictureLossIndication, RTCPeerConnection, RtcpPayloadSpecificFeedback, type MediaStreamTrack, type RTCRtpTransceiver } from 'werift';

export interface SessionDescription {
  type: 'offer' | 'answer';
  sdp: string;
}

/** A track this session publishes: its media arrives when the browser starts sending. */
export interface PublishedTrack {
  trackName: string;
  kind: 'audio' | 'video';
  transceiver: RTCRtpTransceiver;
  /** Its RTP source (werift makes it from the offer's a=ssrc, or when the first packet comes). */
  track: MediaStreamTrack | null;
  /** Pulls of this track, told of its source (now, and again if it changes). */
  listeners: Set<(track: MediaStreamTrack) => void>;
}

interface PulledTrack {
  mid: string;
  from: PublishedTrack;
  transceiver: RTCRtpTransceiver;
  stop: () => void;
}

/** Loopback only: the stand-in's ICE candidates are 127.0.0.1, and it asks no STUN server. */
const LOOPBACK = { udp4: '127.0.0.1' };

export class StandinSession {
  readonly pc: RTCPeerConnection;
  readonly published = new Map<string, PublishedTrack>();
  private readonly pulled = new Map<string, PulledTrack>();
  /** One negotiation at a time, as the real service asks of its callers. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly id: string,
    onGone: (session: StandinSession) => void,
    iceLite = true,
  ) {
    this.pc = new RTCPeerConnection({
      iceServers: [],
      iceUseIpv6: false,
      iceInterfaceAddresses: LOOPBACK,
      iceAdditionalHostAddresses: ['127.0.0.1'],
      bundlePolicy: 'max-bundle',
      // An ICE-lite server, as SFUs usually are: the browser checks the path and keeps it alive.
      // A full agent (werift's default) also runs its own consent checks and gives a session up
      // 30 s after its last answered one; a browser starved on a loaded machine answers late
      // (past werift's 0.5–1 s wait) and a video call lost every session at once.
      iceLite,
    });
    this.pc.connectionStateChange.subscribe((state) => {
      // On its own stderr: which side gave up first, when a test sees a connection rebuilt.
      if (state === 'failed' || state === 'disconnected') console.error(`[realtime stand-in] session ${id.slice(0, 8)}: ${state}`);
      if (state === 'failed' || state === 'closed') onGone(this);
    });
  }

  serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private deliver(published: PublishedTrack, track: MediaStreamTrack): void {
    if (published.track === track) return;
    published.track = track;
    for (const listener of published.listeners) listener(track);
  }

  /** The browser's offer with its new sendonly m-lines: each `mid` becomes a published track. */
  async publish(offer: SessionDescription, tracks: { mid: string; trackName: string }[]): Promise<SessionDescription> {
    await this.pc.setRemoteDescription(offer);
    for (const { mid, trackName } of tracks) {
      const transceiver = this.pc.getTransceivers().find((t) => t.mid === mid);
      if (!transceiver) throw new StandinError(`no m-line with mid ${mid} in the offer`);
      const published: PublishedTrack = { trackName, kind: transceiver.kind as 'audio' | 'video', transceiver, track: null, listeners: new Set() };
      this.published.set(trackName, published);
      const arrived = transceiver.receiver.tracks[0];
      if (arrived) this.deliver(published, arrived);
      transceiver.onTrack.subscribe((track) => this.deliver(published, track));
      this.rerouteKeyframeRequests(transceiver);
    }
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    return { type: 'answer', sdp: this.pc.localDescription!.sdp };
  }

  /** New sendonly m-lines fed by other sessions' tracks; the offer the browser must answer. */
  async pull(sources: PublishedTrack[]): Promise<{ offer: SessionDescription; mids: string[] }> {
    const added = sources.map((from) => ({ from, transceiver: this.pc.addTransceiver(from.kind, { direction: 'sendonly' }) }));
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    const mids: string[] = [];
    for (const { from, transceiver } of added) {
      const mid = transceiver.mid!;
      mids.push(mid);
      const pulled: PulledTrack = { mid, from, transceiver, stop: () => {} };
      this.pulled.set(mid, pulled);
      this.forward(pulled);
    }
    return { offer: { type: 'offer', sdp: this.pc.localDescription!.sdp }, mids };
  }

  /**
   * werift (0.25) hands a picture-loss request to whichever of this connection's tracks has the
   * request's *sender* SSRC, before the one it is about: a browser that also publishes sends its
   * requests from its own track's SSRC, so they reach our receiver of that track, and never the
   * sender whose picture was lost. Without this, a video pull that lost its first keyframe never
   * decodes. Sent on to the publisher of the pull named by the media SSRC.
   */
  private rerouteKeyframeRequests(receiving: RTCRtpTransceiver): void {
    receiving.receiver.onRtcp.subscribe((packet) => {
      if (packet.type !== RtcpPayloadSpecificFeedback.type) return;
      const { feedback } = packet as RtcpPayloadSpecificFeedback;
      if (feedback.count !== PictureLossIndication.count) return;
      const { mediaSsrc } = feedback as PictureLossIndication;
      for (const pulled of this.pulled.values()) {
        if (pulled.transceiver.sender.ssrc === mediaSsrc) requestKeyframe(pulled.from);
      }
    });
  }

  private forward(pulled: PulledTrack): void {
    const { from, transceiver } = pulled;
    let stopped = false;
    const feedback = transceiver.sender.onPictureLossIndication.subscribe(() => {
      if (!stopped) requestKeyframe(from);
    });
    const start = (track: MediaStreamTrack) => {
      if (stopped) return;
      void transceiver.sender.replaceTrack(track).catch(() => {});
      requestKeyframe(from);
    };
    from.listeners.add(start);
    if (from.track) start(from.track);
    pulled.stop = () => {
      stopped = true;
      from.listeners.delete(start);
      feedback.unSubscribe();
      void transceiver.sender.replaceTrack(null).catch(() => {});
    };
  }

  async renegotiate(answer: SessionDescription): Promise<void> {
    await this.pc.setRemoteDescription(answer);
    // The browser can decode its new pulls from now on: a keyframe from each video publisher
    // (the one asked for at pull time may have come before the browser could place it).
    for (const { from } of this.pulled.values()) if (from.kind === 'video') requestKeyframe(from);
  }

  /** Stops the tracks on these mids (pulled or published); with the browser's offer, answers it. */
  async close(mids: string[], offer: SessionDescription | undefined): Promise<{ answer?: SessionDescription; unpublished: PublishedTrack[] }> {
    const unpublished: PublishedTrack[] = [];
    for (const mid of mids) {
      const pulled = this.pulled.get(mid);
      if (pulled) {
        pulled.stop();
        this.pulled.delete(mid);
      }
      for (const [name, published] of this.published) {
        if (published.transceiver.mid === mid) {
          this.published.delete(name);
          unpublished.push(published);
        }
      }
    }
    if (!offer) return { unpublished };
    await this.pc.setRemoteDescription(offer);
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    return { answer: { type: 'answer', sdp: this.pc.localDescription!.sdp }, unpublished };
  }

  /** Stops forwarding tracks that are no longer published (closed, or their session went away). */
  dropSources(gone: PublishedTrack[]): void {
    for (const [mid, pulled] of this.pulled) {
      if (gone.includes(pulled.from)) {
        pulled.stop();
        this.pulled.delete(mid);
      }
    }
  }

  /**
   * The fault of an SFU that stops forwarding a track while every connection stays up: pulls of
   * it here stay listed (active) but get no more RTP. A new pull of the same track forwards again.
   */
  stallPullsOf(source: PublishedTrack): number {
    let stalled = 0;
    for (const pulled of this.pulled.values()) {
      if (pulled.from !== source) continue;
      pulled.stop();
      stalled += 1;
    }
    return stalled;
  }

  tracks(): { location: 'local' | 'remote'; mid: string; trackName: string; sessionId?: string; status: 'active' | 'inactive' }[] {
    return [
      ...[...this.published.values()].map((p) => ({ location: 'local' as const, mid: p.transceiver.mid!, trackName: p.trackName, status: p.track ? ('active' as const) : ('inactive' as const) })),
      ...[...this.pulled.values()].map((p) => ({ location: 'remote' as const, mid: p.mid, trackName: p.from.trackName, status: 'active' as const })),
    ];
  }

  async stop(): Promise<void> {
    for (const pulled of this.pulled.values()) pulled.stop();
    this.pulled.clear();
    await this.pc.close().catch(() => {});
  }
}

/** A picture-loss request to the browser publishing this track (audio: nothing to ask for). */
function requestKeyframe(source: PublishedTrack): void {
  if (source.kind === 'video' && source.track?.ssrc) void source.transceiver.receiver.sendRtcpPLI(source.track.ssrc).catch(() => {});
}

/** A request the stand-in refuses (400 with the real service's errorCode/errorDescription shape). */
export class StandinError extends Error {}
