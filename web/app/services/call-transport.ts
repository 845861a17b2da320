/**
 * How a group call's media travels, behind one interface so the call does not care:
 * `mesh` (this file: one PeerLink per other participant, browser to browser, up to
 * GROUP_CALL_MESH_LIMIT people) or `sfu` (each browser publishes its tracks once to a
 * selective forwarding unit and pulls the others'; not built yet, see docs/architecture.md).
 * The room names the transport of each call (`GroupCallState.transport`).
 */
import { offersTo, type CallSignal, type GroupCallParticipant } from '../lib/protocol';
import { PeerLink, type LinkState, type LinkStats } from './peer-link';

export interface RemoteMedia {
  userId: string;
  stream: MediaStream | null;
  /** A live, unmuted video track is arriving. */
  video: boolean;
  link: LinkState;
}

export interface TransportEvents {
  /** Sends a signal to one participant (false when the socket is down). */
  send(toUserId: string, signal: CallSignal): boolean;
  /** Something about the remote media changed (a stream, a connection state). */
  changed(): void;
  /** A problem to show the user, or null once it is over. */
  onError(message: string | null): void;
}

export interface CallTransport {
  readonly kind: 'mesh' | 'sfu';
  /** The participants now (me included); connections follow: new ones open, gone ones close. */
  setParticipants(me: GroupCallParticipant, everyone: GroupCallParticipant[]): void;
  handleSignal(fromUserId: string, signal: CallSignal): void;
  setTracks(audio: MediaStreamTrack | null, video: MediaStreamTrack | null): void;
  /** After the signaling socket came back: resynchronise whatever may have been lost. */
  resync(): void;
  remotes(): RemoteMedia[];
  /** Audio level (0–1) of each remote participant, for the active-speaker highlight. */
  audioLevels(): Promise<Map<string, number>>;
  stats(userId: string): Promise<LinkStats | null>;
  close(): void;
}

interface MeshPeer {
  joinSeq: number;
  link: PeerLink;
  stream: MediaStream | null;
  video: boolean;
  state: LinkState;
}

/** A full mesh: one RTCPeerConnection per other participant; the later joiner offers (offersTo). */
export class MeshTransport implements CallTransport {
  readonly kind = 'mesh' as const;
  private peers = new Map<string, MeshPeer>();
  /** Signals that arrived before the participant did (state and signals come on one socket, but be safe). */
  private early = new Map<string, CallSignal[]>();
  private tracks: { audio: MediaStreamTrack | null; video: MediaStreamTrack | null } = { audio: null, video: null };
  private closed = false;

  constructor(
    private readonly iceServers: RTCIceServer[],
    private readonly relayOnly: boolean,
    private readonly events: TransportEvents,
  ) {}

  setParticipants(me: GroupCallParticipant, everyone: GroupCallParticipant[]): void {
    if (this.closed) return;
    // Blocked people get no connection (and no tile); the room refuses their signals anyway.
    const wanted = new Map(everyone.filter((p) => p.userId !== me.userId && !p.blocked).map((p) => [p.userId, p]));
    for (const [userId, peer] of this.peers) {
      const now = wanted.get(userId);
      // Gone, or left and joined again (a new join seq): a fresh connection.
      if (!now || now.joinSeq !== peer.joinSeq) {
        peer.link.close();
        this.peers.delete(userId);
      }
    }
    for (const [userId, p] of wanted) {
      if (this.peers.has(userId)) continue;
      this.open(me, p);
    }
    this.events.changed();
  }

  private open(me: GroupCallParticipant, other: GroupCallParticipant) {
    const userId = other.userId;
    const peer: MeshPeer = { joinSeq: other.joinSeq, link: null as unknown as PeerLink, stream: null, video: false, state: 'new' };
    peer.link = new PeerLink({
      iceServers: this.iceServers,
      relayOnly: this.relayOnly,
      // The one who offers is impolite; the other waits for the offer and yields on glare.
      polite: !offersTo(me, other),
      send: (signal) => this.events.send(userId, signal),
      onRemote: (stream, video) => {
        if (this.peers.get(userId) !== peer) return;
        peer.stream = stream;
        peer.video = video;
        this.events.changed();
      },
      onState: (state) => {
        if (this.peers.get(userId) !== peer) return;
        peer.state = state;
        this.events.changed();
      },
      // Tiles show the room's view of each participant's media (group_call_media).
      onPeerMedia: () => {},
      onError: (message) => this.events.onError(message),
    });
    this.peers.set(userId, peer);
    peer.link.setTracks(this.tracks.audio, this.tracks.video);
    for (const s of this.early.get(userId)?.splice(0) ?? []) peer.link.handleSignal(s);
    this.early.delete(userId);
  }

  handleSignal(fromUserId: string, signal: CallSignal): void {
    const peer = this.peers.get(fromUserId);
    if (peer) return peer.link.handleSignal(signal);
    const queue = this.early.get(fromUserId) ?? [];
    if (queue.length < 200) queue.push(signal);
    this.early.set(fromUserId, queue);
  }

  setTracks(audio: MediaStreamTrack | null, video: MediaStreamTrack | null): void {
    this.tracks = { audio, video };
    for (const peer of this.peers.values()) peer.link.setTracks(audio, video);
  }

  resync(): void {
    for (const peer of this.peers.values()) peer.link.resync();
  }

  remotes(): RemoteMedia[] {
    return [...this.peers].map(([userId, p]) => ({ userId, stream: p.stream, video: p.video, link: p.state }));
  }

  async audioLevels(): Promise<Map<string, number>> {
    const levels = new Map<string, number>();
    await Promise.all(
      [...this.peers].map(async ([userId, p]) => {
        const report = await p.link.pc.getStats().catch(() => null);
        report?.forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === 'audio' && typeof s.audioLevel === 'number') levels.set(userId, s.audioLevel);
        });
      }),
    );
    return levels;
  }

  async stats(userId: string): Promise<LinkStats | null> {
    return (await this.peers.get(userId)?.link.stats()) ?? null;
  }

  close(): void {
    this.closed = true;
    for (const peer of this.peers.values()) peer.link.close();
    this.peers.clear();
    this.early.clear();
  }
}
