/**
 * A group call's media over the SFU (Cloudflare Realtime, through the Worker's proxy): one
 * RTCPeerConnection to the SFU, on which this browser publishes its microphone and camera once
 * and pulls each other participant's tracks, as the room lists them (`tracks` of each
 * participant in group_call_state). Someone who leaves, or whom I blocked, is no longer listed:
 * their tracks are closed here (an offer that makes their transceivers inactive, answered by the
 * SFU). Every change to the connection goes through one queue, as the Realtime API asks
 * (one negotiation at a time per session).
 * A connection that fails (or stays disconnected past a grace period: the SFU lost my session, the
 * network changed under it) is rebuilt, as Orange Meets does: a new connection and session, my
 * tracks published again (the room lists their new names, and the others pull those), and
 * everyone else's pulled again. Attempts back off, and stop after a few with an error shown.
 */
import type { CallSignal, GroupCallParticipant } from '../lib/protocol';
import type { SfuApi, SfuDescription } from './api';
import type { CallTransport, RemoteMedia, TransportEvents } from './call-transport';
import { readLinkStats, type LinkState, type LinkStats } from './peer-link';

interface Pull {
  mid: string;
  userId: string;
  trackName: string;
}

type Kind = 'audio' | 'video';

const key = (userId: string, trackName: string) => `${userId}/${trackName}`;

/** Disconnected this long (ICE did not come back by itself): rebuilt as if it had failed. */
const DISCONNECTED_GRACE_MS = 5_000;
/** Waits before each further rebuild attempt; after the last, the call shows an error. */
const REBUILD_BACKOFF_MS = [1_000, 2_000, 4_000, 8_000];
/**
 * Waits before each retry of what a failed step left undone (a session, publishing, pulling): a
 * call heals without waiting for someone's media to change. After the last, the notice stays.
 */
const RETRY_BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 16_000];

export class SfuTransport implements CallTransport {
  readonly kind = 'sfu' as const;
  private pc: RTCPeerConnection;
  private queue: Promise<void> = Promise.resolve();
  private readonly sending = new Map<Kind, RTCRtpTransceiver>();
  private tracks: Record<Kind, MediaStreamTrack | null> = { audio: null, video: null };
  /** Pulled tracks by their transceiver's mid. */
  private readonly pulls = new Map<string, Pull>();
  /** What the room says each other participant publishes (blocked people: nothing). */
  private wanted = new Map<string, { userId: string; trackName: string }>();
  private others: string[] = [];
  private readonly received = new Map<string, MediaStreamTrack[]>();
  private readonly streams = new Map<string, MediaStream>();
  private readonly lastInbound = new Map<string, { lost: number; received: number }>();
  private closed = false;
  private disconnectedTimer: ReturnType<typeof setTimeout> | undefined;
  /** Rebuilds tried since the connection last reached `connected`. */
  private rebuilds = 0;
  private rebuilding = false;
  private hasSession = false;
  /** Retries since a step last failed (reset when one catches up). */
  private retries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly iceServers: RTCIceServer[],
    private readonly relayOnly: boolean,
    private readonly sfu: SfuApi,
    private readonly events: TransportEvents,
  ) {
    this.pc = this.connect();
    this.enqueue(() => this.openSession());
  }

  private async openSession(): Promise<void> {
    await this.sfu.session();
    this.hasSession = true;
  }

  private connect(): RTCPeerConnection {
    const pc = new RTCPeerConnection({ iceServers: this.iceServers, iceTransportPolicy: this.relayOnly ? 'relay' : 'all', bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    pc.ontrack = ({ track, transceiver }) => {
      const pull = transceiver.mid ? this.pulls.get(transceiver.mid) : undefined;
      if (!pull) return;
      // Chrome mutes a receiving track while no media arrives (the sender's camera is off).
      track.addEventListener('mute', () => this.events.changed());
      track.addEventListener('unmute', () => this.events.changed());
      this.receive(pull.userId, track);
    };
    pc.onconnectionstatechange = () => {
      if (pc !== this.pc || this.closed) return;
      clearTimeout(this.disconnectedTimer);
      if (pc.connectionState === 'connected') this.rebuilds = 0;
      else if (pc.connectionState === 'failed') this.rebuildSoon(0);
      else if (pc.connectionState === 'disconnected') this.disconnectedTimer = setTimeout(() => this.rebuildSoon(0), DISCONNECTED_GRACE_MS);
      this.events.changed();
    };
    return pc;
  }

  private rebuildSoon(delayMs: number): void {
    if (this.closed || this.rebuilding) return;
    this.rebuilding = true;
    // A rebuild retries itself on its own schedule.
    setTimeout(() => this.enqueue(() => this.rebuild(), { retry: false }), delayMs);
  }

  /** A new connection and session; my tracks published again, the others' pulled again. */
  private async rebuild(): Promise<void> {
    const old = this.pc;
    this.pc = this.connect();
    old.close();
    for (const [userId, tracks] of this.received) for (const track of tracks) this.forget(userId, track);
    this.pulls.clear();
    this.sending.clear();
    this.hasSession = false;
    this.rebuilds += 1;
    try {
      // The new connection has nothing yet: catching up does it all.
      await this.catchUp();
      this.rebuilding = false;
    } catch (err) {
      this.rebuilding = false;
      const wait = REBUILD_BACKOFF_MS[this.rebuilds - 1];
      if (wait === undefined) throw err;
      this.rebuildSoon(wait);
    }
  }

  private enqueue(step: () => Promise<void>, { retry = true } = {}): void {
    this.queue = this.queue.then(async () => {
      if (this.closed) return;
      try {
        await step();
      } catch (err) {
        if (this.closed) return;
        if (import.meta.env.DEV) console.warn('sfu step failed', err);
        // A negotiation cut short leaves the connection where the next one can start again.
        if (this.pc.signalingState !== 'stable') await this.pc.setLocalDescription({ type: 'rollback' }).catch(() => {});
        this.events.onError("Couldn't reach the call server. Some people may not be heard.");
        if (retry) this.retrySoon();
      }
    });
  }

  private retrySoon(): void {
    const wait = RETRY_BACKOFF_MS[this.retries];
    if (this.closed || this.retryTimer || wait === undefined) return;
    this.retries += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.enqueue(async () => {
        await this.catchUp();
        this.retries = 0;
        this.events.onError(null);
      });
    }, wait);
  }

  /** What failed steps left undone: a session, my tracks not yet published, the others' not yet pulled. */
  private async catchUp(): Promise<void> {
    if (!this.hasSession) await this.openSession();
    const unpublished = (['audio', 'video'] as const).filter((kind) => this.tracks[kind] && !this.sending.has(kind));
    if (unpublished.length) await this.publish(unpublished);
    await this.follow();
  }

  setParticipants(me: GroupCallParticipant, everyone: GroupCallParticipant[]): void {
    if (this.closed) return;
    const others = everyone.filter((p) => p.userId !== me.userId && !p.blocked);
    this.others = others.map((p) => p.userId);
    this.wanted = new Map(others.flatMap((p) => p.tracks.map((t) => [key(p.userId, t.trackName), { userId: p.userId, trackName: t.trackName }] as const)));
    this.enqueue(() => this.follow());
    this.events.changed();
  }

  /** Pulls what the room lists and I do not have yet; closes what it no longer lists. */
  private async follow(): Promise<void> {
    const gone = [...this.pulls.values()].filter((p) => !this.wanted.has(key(p.userId, p.trackName)));
    if (gone.length) await this.closePulls(gone);
    const have = new Set([...this.pulls.values()].map((p) => key(p.userId, p.trackName)));
    const fresh = [...this.wanted.values()].filter((w) => !have.has(key(w.userId, w.trackName)));
    if (!fresh.length) return;
    const { sessionDescription, tracks } = await this.sfu.pull(fresh);
    for (const t of tracks) this.pulls.set(t.mid, t);
    await this.pc.setRemoteDescription(sessionDescription);
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    await this.sfu.renegotiate(this.local());
  }

  private async closePulls(gone: Pull[]): Promise<void> {
    for (const pull of gone) {
      this.pulls.delete(pull.mid);
      const transceiver = this.pc.getTransceivers().find((t) => t.mid === pull.mid);
      if (transceiver) {
        transceiver.direction = 'inactive';
        this.forget(pull.userId, transceiver.receiver.track);
      }
    }
    await this.pc.setLocalDescription(await this.pc.createOffer());
    const { sessionDescription } = await this.sfu.close(gone.map((p) => p.mid), this.local());
    if (sessionDescription) await this.pc.setRemoteDescription(sessionDescription);
  }

  setTracks(audio: MediaStreamTrack | null, video: MediaStreamTrack | null): void {
    this.tracks = { audio, video };
    const unpublished: Kind[] = [];
    for (const kind of ['audio', 'video'] as const) {
      const transceiver = this.sending.get(kind);
      if (transceiver) void transceiver.sender.replaceTrack(this.tracks[kind]).catch(() => {});
      else if (this.tracks[kind]) unpublished.push(kind);
    }
    if (unpublished.length) this.enqueue(() => this.publish(unpublished));
  }

  /** A track published once: later changes (camera off, screen share) replace what its sender sends. */
  private async publish(kinds: Kind[]): Promise<void> {
    const added = kinds
      .filter((kind) => !this.sending.has(kind) && this.tracks[kind])
      .map((kind) => {
        const transceiver = this.pc.addTransceiver(this.tracks[kind]!, { direction: 'sendonly' });
        this.sending.set(kind, transceiver);
        return { kind, transceiver };
      });
    if (!added.length) return;
    try {
      await this.pc.setLocalDescription(await this.pc.createOffer());
      const { sessionDescription } = await this.sfu.publish(this.local(), added.map(({ kind, transceiver }) => ({ mid: transceiver.mid!, kind })));
      await this.pc.setRemoteDescription(sessionDescription);
    } catch (err) {
      // Not published: a retry (or the next change of my media) tries again.
      if (this.pc.signalingState !== 'stable') await this.pc.setLocalDescription({ type: 'rollback' }).catch(() => {});
      for (const { kind, transceiver } of added) {
        this.sending.delete(kind);
        transceiver.stop();
      }
      throw err;
    }
  }

  private local(): SfuDescription {
    const d = this.pc.localDescription!;
    return { type: d.type as SfuDescription['type'], sdp: d.sdp };
  }

  private receive(userId: string, track: MediaStreamTrack): void {
    const tracks = [...(this.received.get(userId) ?? []).filter((t) => t !== track && t.kind !== track.kind), track];
    this.received.set(userId, tracks);
    // A new stream when its set of tracks changes, as the mesh does: the tile's element reloads it.
    this.streams.set(userId, new MediaStream(tracks));
    this.events.changed();
  }

  private forget(userId: string, track: MediaStreamTrack): void {
    const tracks = (this.received.get(userId) ?? []).filter((t) => t !== track);
    this.received.set(userId, tracks);
    if (tracks.length) this.streams.set(userId, new MediaStream(tracks));
    else this.streams.delete(userId);
    this.events.changed();
  }

  handleSignal(_fromUserId: string, _signal: CallSignal): void {
    // Nobody signals a browser directly over the SFU: the Worker carries the negotiation.
  }

  resync(): void {
    // The media path does not go through the room's socket: nothing was lost with it.
  }

  private linkState(): LinkState {
    switch (this.pc.connectionState) {
      case 'new':
        return 'new';
      case 'connecting':
        return 'connecting';
      case 'connected':
        return 'connected';
      case 'disconnected':
        return 'reconnecting';
      case 'failed':
        return 'failed';
      case 'closed':
        return 'closed';
    }
  }

  remotes(): RemoteMedia[] {
    const link = this.linkState();
    return this.others.map((userId) => {
      const stream = this.streams.get(userId) ?? null;
      const video = stream?.getVideoTracks().some((t) => t.readyState === 'live' && !t.muted) ?? false;
      return { userId, stream, video, link };
    });
  }

  private userOfMid(mid: string | undefined): string | undefined {
    return mid === undefined ? undefined : this.pulls.get(mid)?.userId;
  }

  async audioLevels(): Promise<Map<string, number>> {
    const levels = new Map<string, number>();
    const report = await this.pc.getStats().catch(() => null);
    report?.forEach((s) => {
      const userId = s.type === 'inbound-rtp' && s.kind === 'audio' ? this.userOfMid(s.mid) : undefined;
      if (userId && typeof s.audioLevel === 'number') levels.set(userId, Math.max(levels.get(userId) ?? 0, s.audioLevel));
    });
    return levels;
  }

  async stats(userId: string): Promise<LinkStats | null> {
    if (!this.others.includes(userId)) return null;
    const report = await this.pc.getStats();
    const { stats, inbound } = readLinkStats(report, this.lastInbound.get(userId) ?? { lost: 0, received: 0 }, (s) => this.userOfMid(s.mid) === userId);
    this.lastInbound.set(userId, inbound);
    return stats;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.disconnectedTimer);
    clearTimeout(this.retryTimer);
    this.pc.close();
    this.pulls.clear();
    this.streams.clear();
    this.received.clear();
  }
}
