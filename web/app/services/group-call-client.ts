/**
 * The group call of this tab (at most one, and never beside a 1-to-1 call): its own socket to
 * the group's room, bound to the call by `group_call_join` (sent again after a reconnect, which
 * rebinds it), the room's view of who is in the call, and the media transport the room names
 * (`transport`: a mesh, services/call-transport.ts, or the SFU, services/sfu-transport.ts; a call
 * that grows past the mesh moves to the SFU, and this tab with it). The room is the authority:
 * this only follows its `group_call_state` frames and carries signals to and from the transport.
 */
import { api, errorMessage } from './api';
import { createRoomSocket, type RoomSocket } from './socket';
import { LocalMedia, MediaError } from './local-media';
import { CallStore } from './call-store';
import { MeshTransport, type CallTransport, type RemoteMedia, type TransportEvents } from './call-transport';
import { SfuTransport } from './sfu-transport';
import { relayOnlyPreferred, sentence, type SignalingState } from './call-client';
import type { GroupCallParticipant, GroupCallState, ServerFrame } from '../lib/protocol';
import type { CallMedia } from '../lib/call-state';
import type { StatsSource } from '../hooks/useCallStats';

export type GroupCallPhase = 'idle' | 'joining' | 'in-call' | 'ended';

export interface GroupCallSnapshot {
  phase: GroupCallPhase;
  callId: string | null;
  roomId: string | null;
  media: CallMedia;
  /** The room's latest word on the call (null before the first). */
  call: GroupCallState | null;
  remotes: RemoteMedia[];
  /** The participant heard loudest just now (null: nobody). */
  speaker: string | null;
  signaling: SignalingState;
  /** Local epoch ms when the room confirmed my join. */
  joinedAt: number | null;
  /** Why the call ended here (shown for a moment), or a passing problem while in it. */
  error: string | null;
  notice: string | null;
}

const IDLE: GroupCallSnapshot = {
  phase: 'idle',
  callId: null,
  roomId: null,
  media: 'voice',
  call: null,
  remotes: [],
  speaker: null,
  signaling: 'idle',
  joinedAt: null,
  error: null,
  notice: null,
};

const SIGNALING_TIMEOUT_MS = 20_000;
const ENDED_VISIBLE_MS = 3500;
const SPEAKER_EVERY_MS = 400;
/** Below this audio level (0–1) nobody is speaking. */
const SPEAKING_LEVEL = 0.02;

export class GroupCallClient extends CallStore<GroupCallSnapshot> {
  readonly media = new LocalMedia();
  private socket: RoomSocket | null = null;
  private transport: CallTransport | null = null;
  private unsubscribeMedia: (() => void) | null = null;
  private speakerTimer: ReturnType<typeof setInterval> | undefined;
  private iceServers: RTCIceServer[] = [];
  private relayOnly = false;
  /** The room confirmed my join at least once (a state listing me). */
  private joined = false;
  private reconnected = false;
  private readonly statsSources = new Map<string, StatsSource>();

  constructor(private readonly me: string) {
    super(IDLE);
  }

  static readonly idle = IDLE;

  get live(): boolean {
    return this.snapshot.phase === 'joining' || this.snapshot.phase === 'in-call';
  }

  // ---------------------------------------------------------------- actions

  /** Starts the group's call (no callId) or joins the one in progress. */
  async join(roomId: string, callId: string | null, media: CallMedia): Promise<void> {
    if (this.live) return;
    this.reset();
    const id = callId ?? crypto.randomUUID();
    this.set({ phase: 'joining', callId: id, roomId, media });
    this.relayOnly = relayOnlyPreferred();
    try {
      const [ice] = await Promise.all([api.iceServers(), this.media.acquire(media === 'video')]);
      this.iceServers = ice.iceServers;
    } catch (err) {
      return this.end(err instanceof MediaError ? err.message : errorMessage(err));
    }
    if (this.snapshot.callId !== id || this.snapshot.phase !== 'joining') return this.media.release();
    this.openSignaling(roomId, id);
  }

  leave(): void {
    const { callId } = this.snapshot;
    if (!this.live || !callId) return;
    const socket = this.socket;
    // Said once; if it is lost, the room drops us after its grace anyway.
    if (socket && this.joined) {
      socket.send({ type: 'group_call_leave', callId });
      this.socket = null;
      setTimeout(() => socket.stop(), 1500);
    }
    this.end(null);
  }

  dismiss(): void {
    if (this.snapshot.phase === 'ended') this.reset();
  }

  /** One participant's connection, to sample its quality (useCallStats): the same source each time, for a stable hook. */
  statsOf(userId: string): StatsSource {
    let source = this.statsSources.get(userId);
    if (!source) {
      source = { stats: async () => (this.transport ? this.transport.stats(userId) : null) };
      this.statsSources.set(userId, source);
    }
    return source;
  }

  dispose(): void {
    this.leave();
    this.teardown();
    this.clearTimers();
    this.forgetListeners();
  }

  // ---------------------------------------------------------------- internals

  private openSignaling(roomId: string, callId: string) {
    this.set({ signaling: 'connecting' });
    const socket = createRoomSocket(roomId, async () => ({ after: undefined }), {
      onFrame: (frame) => {
        if (this.socket === socket) this.onFrame(socket, callId, frame);
      },
      onState: (state) => {
        if (this.socket !== socket) return;
        if (state.status === 'open') this.set({ signaling: 'open' });
        else if (state.status === 'failed') this.end(state.reason);
        else if (state.status !== 'closed') this.set({ signaling: this.joined ? 'reconnecting' : 'connecting' });
      },
    });
    this.socket = socket;
    socket.start();
    this.later(SIGNALING_TIMEOUT_MS, () => {
      if (!this.joined && this.snapshot.callId === callId && this.live) this.end("Couldn't reach the server. Check your connection.");
    });
  }

  private onFrame(socket: RoomSocket, callId: string, frame: ServerFrame) {
    switch (frame.type) {
      case 'ready':
        socket.markHealthy();
        // First time: start or join; after a reconnect: the call follows this socket now.
        this.reconnected = this.joined;
        socket.send({ type: 'group_call_join', callId, media: this.snapshot.media });
        return;
      case 'group_call_state':
        return this.onState(callId, frame.call);
      case 'group_call_signal':
        if (frame.callId === callId) this.transport?.handleSignal(frame.fromUserId, frame.signal);
        return;
      case 'error':
        return this.onError(frame);
      default:
        // Chat frames are the chat window's business.
        return;
    }
  }

  private onState(callId: string, call: GroupCallState) {
    if (call.id !== callId) return;
    if (call.status === 'ended') {
      if (this.live) this.end(this.joined ? null : 'The call has ended.');
      return;
    }
    const me = call.participants.find((p) => p.userId === this.me);
    if (!me) {
      // Before the room took my join, its greeting shows the call without me: wait. After: I was dropped.
      if (this.joined) this.end('You were disconnected from the call.');
      else this.set({ call });
      return;
    }
    const first = !this.joined;
    this.joined = true;
    this.set({ call, phase: 'in-call', joinedAt: this.snapshot.joinedAt ?? Date.now() });
    if (first || (this.transport && this.transport.kind !== call.transport)) this.startTransport(callId, call);
    this.transport?.setParticipants(me, call.participants);
    if (this.reconnected) {
      this.reconnected = false;
      this.transport?.resync();
    }
  }

  private onError(frame: Extract<ServerFrame, { type: 'error' }>) {
    switch (frame.code) {
      case 'call_full':
        return this.end(`This call is full: group calls take at most ${this.snapshot.call?.limit ?? 4} people.`);
      case 'busy':
        return this.end(/already in a call/.test(frame.message) ? "You're already in a call." : 'A call is already going on in this group. Join it from the banner.');
      case 'rate_limited':
        if (!this.joined) return this.end('This group was called too often just now. Try again in a minute.');
        return;
      case 'not_found':
      case 'forbidden':
      case 'not_a_member':
        if (!this.joined) return this.end(sentence(frame.message));
        this.set({ notice: sentence(frame.message) });
        return;
      case 'unavailable':
        // A signal did not reach someone who is reconnecting: their rejoin resyncs.
        return;
      default:
        if (import.meta.env.DEV) console.warn('group call socket error', frame.code, frame.message);
    }
  }

  private startTransport(callId: string, call: GroupCallState) {
    // A mesh that became an SFU call: its connections close, the SFU's opens.
    this.stopTransport();
    let transport: CallTransport | null = null;
    let transportNotice: string | null = null;
    const events: TransportEvents = {
      send: (toUserId, signal) => this.socket?.send({ type: 'group_call_signal', callId, toUserId, signal }) ?? false,
      changed: () => {
        if (transport && this.transport === transport) this.set({ remotes: transport.remotes() });
      },
      onError: (notice) => {
        if (!transport || this.transport !== transport) return;
        // Over: cleared only if what shows is still the transport's own notice.
        if (notice !== null) this.set({ notice: (transportNotice = notice) });
        else if (this.snapshot.notice === transportNotice) this.set({ notice: null });
      },
    };
    transport =
      call.transport === 'sfu'
        ? new SfuTransport(this.iceServers, this.relayOnly, api.sfu(call.roomId, callId), events)
        : new MeshTransport(this.iceServers, this.relayOnly, events);
    this.transport = transport;
    const sync = () => {
      const m = this.media.state;
      transport.setTracks(m.audioTrack, m.videoTrack);
      if (this.joined) this.socket?.send({ type: 'group_call_media', callId, muted: m.muted, camera: m.cameraOn, screen: m.sharing });
    };
    sync();
    this.unsubscribeMedia = this.media.subscribe(sync);
    this.speakerTimer = setInterval(() => {
      void transport.audioLevels().then((levels) => {
        if (this.transport !== transport) return;
        let speaker: string | null = null;
        let loudest = SPEAKING_LEVEL;
        for (const [userId, level] of levels) {
          if (level > loudest) [speaker, loudest] = [userId, level];
        }
        if (speaker !== this.snapshot.speaker) this.set({ speaker });
      });
    }, SPEAKER_EVERY_MS);
  }

  private end(error: string | null) {
    this.teardown();
    this.set({ phase: 'ended', error, remotes: [], speaker: null, signaling: 'idle' });
    const ended = this.snapshot;
    this.later(error ? ENDED_VISIBLE_MS : 0, () => {
      if (this.snapshot === ended) this.reset();
    });
  }

  private reset() {
    this.clearTimers();
    this.teardown();
    this.replace(IDLE);
  }

  private stopTransport() {
    clearInterval(this.speakerTimer);
    this.unsubscribeMedia?.();
    this.unsubscribeMedia = null;
    this.transport?.close();
    this.transport = null;
  }

  private teardown() {
    this.stopTransport();
    this.media.release();
    this.socket?.stop();
    this.socket = null;
    this.joined = false;
    this.reconnected = false;
  }
}

/** Participants as the call screen shows them: me first, then in join order. */
export function orderedParticipants(call: GroupCallState | null, me: string): GroupCallParticipant[] {
  if (!call) return [];
  return [...call.participants].sort((a, b) => (a.userId === me ? -1 : b.userId === me ? 1 : a.joinSeq - b.joinSeq));
}
