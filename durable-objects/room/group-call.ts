/**
 * The call of a group room: the room object is its authority. It keeps who is in the call
 * (with their microphone, camera and screen state), routes each offer, answer and ICE
 * candidate to the one participant it is addressed to (never to anyone outside the call, never
 * between two people who blocked each other), drops a participant whose call socket stays
 * closed past GROUP_CALL_DROP_GRACE_MS, and ends the call when the last person leaves.
 *
 * Media starts as a full mesh between the browsers; who offers to whom is `offersTo` in
 * protocol.ts (the later joiner offers), so two joins never glare: the room gives out join seqs
 * one at a time. When the SFU is configured, a call that reaches `sfuFrom` people (more than
 * GROUP_CALL_MESH_LIMIT by default) moves to it for good (`transport: 'sfu'`, up to
 * GROUP_CALL_SFU_LIMIT): each browser publishes its tracks once and pulls the others'. The room
 * stays the authority there too: it records each participant's SFU session and published
 * tracks, shows them to the others, and the Worker asks it before every Realtime API call
 * (`sfuSession`, `sfuPublished`, `sfuAccess`, `sfuSources`). Without the SFU a call takes
 * GROUP_CALL_MESH_LIMIT. Blocked pairs may both be in the call, but each sees the other as
 * `blocked` (no tile, no connection, no tracks to pull); their signals and pulls are refused.
 *
 * State lives in the object's SQLite storage and the drop deadline in its alarm (both survive
 * hibernation). Each participant holds their inbox's call claim while in the call, which is
 * how "busy" works across rooms, for 1-to-1 and group calls alike.
 */
import { finishGroupCall, recordCall, roomKind, updateCall, type GroupCallPerson } from '../../drizzle/queries/calls';
import type { Database } from '../../drizzle/connection';
import type { UserInbox } from '../inbox/user-inbox';
import {
  GROUP_CALL_DROP_GRACE_MS,
  GROUP_CALL_MESH_LIMIT,
  GROUP_CALL_SFU_LIMIT,
  personToken,
  type ClientFrame,
  type GroupCallParticipant,
  type GroupCallState,
} from '../protocol';
import { parseRateSpec, TokenBucket } from '../rate-limit/token-bucket';
import { errorFrame, sendFrame, type HibernatingSockets, type SocketAttachment } from '../shared/sockets';
import { logFailure } from '../shared/log-failure';

export type GroupCallFrame = Extract<
  ClientFrame,
  { type: 'group_call_join' | 'group_call_leave' | 'group_call_media' | 'group_call_signal' }
>;

/** Ringing a whole group is limited per room: a few calls in a row, then one every 30 s. */
export const GROUP_CALL_RING_LIMIT = 'burst=3,perMinute=2';

interface Participant {
  userId: string;
  joinSeq: number;
  /** The socket the call is bound to (its signaling goes there only). */
  socketId: string;
  /** Epoch ms this stint started. */
  joinedAt: number;
  muted: boolean;
  camera: boolean;
  screen: boolean;
  /** Epoch ms by which a participant whose socket closed must rejoin; null while connected. */
  dropAt: number | null;
  /** Over the SFU: the participant's Realtime session and the tracks published on it. */
  sfu?: SfuPublication | null;
}

export interface SfuTrack {
  trackName: string;
  kind: 'audio' | 'video';
}

interface SfuPublication {
  sessionId: string;
  tracks: SfuTrack[];
}

/** Why the room refuses a participant's SFU request (the Worker answers it as 4xx). */
export type SfuRefusal = 'no_call' | 'not_in_call' | 'mesh' | 'no_session' | 'not_pullable';

/** A person's time in the call over all their stints, for the call log. */
interface Attendance {
  firstJoinedAt: number;
  lastLeftAt: number | null;
  totalMs: number;
}

interface StoredCall {
  id: string;
  roomId: string;
  media: 'voice' | 'video';
  startedBy: string;
  startedAt: number;
  /** Absent in calls stored before the SFU: a mesh. */
  transport?: 'mesh' | 'sfu';
  joinCounter: number;
  participants: Participant[];
  attendance: Record<string, Attendance>;
}

export interface GroupCallDeps {
  sql: SqlStorage;
  /** The call's drop deadline: the room's alarm is shared. */
  storage: Pick<DurableObjectStorage, 'setAlarm' | 'deleteAlarm'>;
  sockets: HibernatingSockets;
  inboxes: DurableObjectNamespace<UserInbox>;
  roomId: () => string;
  /** Members who can be rung (accounts not deleted). */
  ringableIds: () => string[];
  /** Members now, deleted accounts included (for "missed"). */
  memberIds: () => string[];
  /** The name a system line keeps for a member (display name, else username). */
  nameOf: (userId: string) => string | undefined;
  /** Did these two block each other? */
  separated: (a: string, b: string) => boolean;
  db: () => Database;
  /** A system line in the room's timeline, once per key. */
  postSystem: (key: string, text: string) => void;
  /** Is the SFU configured, and from how many participants does a call move to it? */
  sfu: () => { available: boolean; from: number };
}

export class GroupCallController {
  /** In memory: lost on hibernation, which only follows idleness, when it is full anyway. */
  private readonly ringBucket = new TokenBucket(parseRateSpec('GROUP_CALL_RING_LIMIT', GROUP_CALL_RING_LIMIT), Date.now());

  constructor(private readonly deps: GroupCallDeps) {
    deps.sql.exec('create table if not exists group_call (id text primary key, data text not null)');
  }

  private load(): StoredCall | undefined {
    const row = this.deps.sql.exec<{ data: string }>('select data from group_call').toArray()[0];
    return row && (JSON.parse(row.data) as StoredCall);
  }

  /** Saves the call and points its deadline at the earliest pending drop. */
  private async save(call: StoredCall): Promise<void> {
    this.deps.sql.exec('delete from group_call');
    this.deps.sql.exec('insert into group_call (id, data) values (?, ?)', call.id, JSON.stringify(call));
    const drops = call.participants.flatMap((p) => (p.dropAt === null ? [] : [p.dropAt]));
    if (drops.length) await this.deps.storage.setAlarm(Math.min(...drops));
    else await this.deps.storage.deleteAlarm();
  }

  hasActiveCall(): boolean {
    return this.load() !== undefined;
  }

  hasCall(callId: string): boolean {
    return this.load()?.id === callId;
  }

  private inbox(userId: string) {
    return this.deps.inboxes.get(this.deps.inboxes.idFromName(userId));
  }

  // ------------------------------------------------------------------ views

  private view(call: StoredCall, viewerId: string, ended?: number): GroupCallState {
    return {
      id: call.id,
      roomId: call.roomId,
      media: call.media,
      startedBy: call.startedBy,
      startedAt: new Date(call.startedAt).toISOString(),
      status: ended === undefined ? 'active' : 'ended',
      endedAt: ended === undefined ? null : new Date(ended).toISOString(),
      limit: this.limit(call),
      transport: call.transport ?? 'mesh',
      participants: ended === undefined ? call.participants.map((p) => this.wireParticipant(p, viewerId)) : [],
    };
  }

  private wireParticipant(p: Participant, viewerId: string): GroupCallParticipant {
    const blocked = p.userId !== viewerId && this.deps.separated(viewerId, p.userId);
    return {
      userId: p.userId,
      joinSeq: p.joinSeq,
      joinedAt: new Date(p.joinedAt).toISOString(),
      muted: p.muted,
      camera: p.camera,
      screen: p.screen,
      connected: p.dropAt === null,
      blocked,
      tracks: blocked ? [] : (p.sfu?.tracks ?? []),
    };
  }

  /** Most people this call takes: a call that can move to the SFU takes the SFU's number. */
  private limit(call: StoredCall): number {
    return call.transport === 'sfu' || this.deps.sfu().available ? GROUP_CALL_SFU_LIMIT : GROUP_CALL_MESH_LIMIT;
  }

  /** After a join: a mesh call that reached the threshold moves to the SFU (and never back). */
  private chooseTransport(call: StoredCall): void {
    const sfu = this.deps.sfu();
    if (call.transport !== 'sfu' && sfu.available && call.participants.length >= sfu.from) call.transport = 'sfu';
  }

  /** The call as each viewer may see it, to every live socket of the room. */
  private announce(call: StoredCall, ended?: number): void {
    const views = new Map<string, string>();
    for (const [ws, viewer] of this.deps.sockets.entries()) {
      if (!viewer.live || ws.readyState !== WebSocket.OPEN) continue;
      let encoded = views.get(viewer.userId);
      if (encoded === undefined) {
        encoded = JSON.stringify({ type: 'group_call_state', call: this.view(call, viewer.userId, ended) });
        views.set(viewer.userId, encoded);
      }
      sendFrame(ws, encoded);
    }
  }

  /** A socket that just went live: the call in progress, if any (for the "Join" banner). */
  greet(ws: WebSocket, userId: string): void {
    const call = this.load();
    if (call) sendFrame(ws, { type: 'group_call_state', call: this.view(call, userId) });
  }

  // ------------------------------------------------------------------ frames

  async handle(ws: WebSocket, me: SocketAttachment, frame: GroupCallFrame): Promise<void> {
    switch (frame.type) {
      case 'group_call_join':
        return this.join(ws, me, frame.callId, frame.media);
      case 'group_call_leave':
        return this.leaveFrame(ws, me, frame.callId);
      case 'group_call_media':
        return this.media(ws, me, frame);
      case 'group_call_signal':
        return this.relay(ws, me, frame);
      default:
        return assertNever(frame);
    }
  }

  private async join(ws: WebSocket, me: SocketAttachment, callId: string, media: 'voice' | 'video'): Promise<void> {
    const call = this.load();
    if (!call) return this.start(ws, me, callId, media);
    if (call.id !== callId) {
      sendFrame(ws, errorFrame('busy', 'a call is already in progress in this group: join it instead'));
      return sendFrame(ws, { type: 'group_call_state', call: this.view(call, me.userId) });
    }
    const mine = call.participants.find((p) => p.userId === me.userId);
    if (mine) {
      // Back after a reconnect, or moved to another tab: the call follows this socket now.
      const previous = mine.socketId !== me.socketId ? this.deps.sockets.openSocket(mine.socketId) : undefined;
      mine.socketId = me.socketId;
      mine.dropAt = null;
      await this.save(call);
      if (previous) sendFrame(previous, errorFrame('forbidden', 'you joined this call somewhere else'));
      return this.announce(call);
    }
    if (call.participants.length >= this.limit(call)) {
      return sendFrame(ws, errorFrame('call_full', `this call is full: at most ${this.limit(call)} people can be in a group call`));
    }
    if ((await this.inbox(me.userId).claimCall(callId, call.roomId)) !== 'ok') {
      return sendFrame(ws, errorFrame('busy', 'you are already in a call'));
    }
    // The claim awaited: the call may have ended, or filled, meanwhile (joins run one at a time, but be sure).
    const now = this.load();
    if (!now || now.id !== callId || now.participants.length >= this.limit(now)) {
      await this.inbox(me.userId).releaseCall(callId);
      return sendFrame(ws, errorFrame(now ? 'call_full' : 'not_found', now ? 'this call is full' : 'that call has ended'));
    }
    this.addParticipant(now, me);
    await this.save(now);
    this.announce(now);
    this.stopRinging(now, me.userId);
  }

  private async start(ws: WebSocket, me: SocketAttachment, callId: string, media: 'voice' | 'video'): Promise<void> {
    const roomId = this.deps.roomId();
    const db = this.deps.db();
    if ((await roomKind(db, roomId)) !== 'group') {
      return sendFrame(ws, errorFrame('forbidden', 'group calls are for groups; a 1-to-1 conversation uses call_start'));
    }
    const allowed = this.ringBucket.take(Date.now());
    if (!allowed.ok) {
      const seconds = Math.ceil(allowed.retryAfterMs / 1000);
      return sendFrame(ws, errorFrame('rate_limited', `this group was rung too often: try again in ${seconds} s`, { retryAfterMs: allowed.retryAfterMs }));
    }
    const startedAt = Date.now();
    if (!(await recordCall(db, { id: callId, roomId, callerId: me.userId, receiverId: null, kind: 'group', media, status: 'ringing', createdAt: new Date(startedAt) }))) {
      return sendFrame(ws, errorFrame('forbidden', 'that callId is already used: start the call with a new random UUID'));
    }
    if ((await this.inbox(me.userId).claimCall(callId, roomId)) !== 'ok') {
      return sendFrame(ws, errorFrame('busy', 'you are already in a call'));
    }
    if (this.load()) {
      // Someone else started one while we wrote the log: join theirs instead.
      await this.inbox(me.userId).releaseCall(callId);
      return this.join(ws, me, this.load()!.id, media);
    }
    const call: StoredCall = { id: callId, roomId, media, startedBy: me.userId, startedAt, transport: 'mesh', joinCounter: 0, participants: [], attendance: {} };
    this.addParticipant(call, me);
    await this.save(call);
    this.deps.postSystem(`group-call-start-${callId}`, `${personToken(me.userId, this.deps.nameOf(me.userId) ?? me.username)} started a ${media} call`);
    this.announce(call);
    const ring = this.view(call, me.userId);
    for (const userId of this.deps.ringableIds()) {
      if (userId === me.userId || this.deps.separated(userId, me.userId)) continue;
      this.inbox(userId)
        .groupCallRing({ ...ring, participants: call.participants.map((p) => this.wireParticipant(p, userId)) })
        .catch((err: unknown) => logFailure('ringing a group member failed', err, { room: roomId, call: callId }));
    }
  }

  private addParticipant(call: StoredCall, me: SocketAttachment): void {
    const now = Date.now();
    call.joinCounter += 1;
    call.participants.push({
      userId: me.userId,
      joinSeq: call.joinCounter,
      socketId: me.socketId,
      joinedAt: now,
      muted: false,
      camera: call.media === 'video',
      screen: false,
      dropAt: null,
      sfu: null,
    });
    call.attendance[me.userId] ??= { firstJoinedAt: now, lastLeftAt: null, totalMs: 0 };
    this.chooseTransport(call);
  }

  private async leaveFrame(ws: WebSocket, me: SocketAttachment, callId: string): Promise<void> {
    const call = this.participantCall(ws, me, callId);
    if (!call) return;
    await this.removeParticipants(call, call.participants.filter((p) => p.userId === me.userId), Date.now());
  }

  private async media(ws: WebSocket, me: SocketAttachment, frame: Extract<GroupCallFrame, { type: 'group_call_media' }>): Promise<void> {
    const call = this.participantCall(ws, me, frame.callId);
    if (!call) return;
    const mine = call.participants.find((p) => p.userId === me.userId)!;
    if (mine.muted === frame.muted && mine.camera === frame.camera && mine.screen === frame.screen) return;
    Object.assign(mine, { muted: frame.muted, camera: frame.camera, screen: frame.screen });
    // A camera turned on makes a voice call a video call, in the log too (never back to voice).
    const toVideo = frame.camera && call.media === 'voice';
    if (toVideo) call.media = 'video';
    await this.save(call);
    if (toVideo) {
      await updateCall(this.deps.db(), call.roomId, call.id, { media: 'video' }).catch((err: unknown) =>
        logFailure('recording a group call as video failed', err, { room: call.roomId, call: call.id }),
      );
    }
    this.announce(call);
  }

  /** Signals go to one participant's call socket, at once (they change no state). */
  private relay(ws: WebSocket, me: SocketAttachment, frame: Extract<GroupCallFrame, { type: 'group_call_signal' }>): void {
    const call = this.participantCall(ws, me, frame.callId);
    if (!call) return;
    const mine = call.participants.find((p) => p.userId === me.userId)!;
    if (mine.socketId !== me.socketId) return sendFrame(ws, errorFrame('forbidden', 'this call is joined on another socket of yours'));
    const target = call.participants.find((p) => p.userId === frame.toUserId);
    if (!target || target.userId === me.userId) return sendFrame(ws, errorFrame('not_found', 'that person is not in this call'));
    if (this.deps.separated(me.userId, target.userId)) {
      return sendFrame(ws, errorFrame('forbidden', 'you and this person blocked each other: no media between you'));
    }
    const socket = this.deps.sockets.openSocket(target.socketId);
    if (!socket) return sendFrame(ws, errorFrame('unavailable', 'that person is reconnecting; send it again after group_call_state'));
    sendFrame(socket, { type: 'group_call_signal', callId: call.id, fromUserId: me.userId, signal: frame.signal });
  }

  // ------------------------------------------------------------------ SFU (asked by the Worker)

  /** The call `userId` is in over the SFU, or why not. */
  private sfuCall(callId: string, userId: string): { call: StoredCall; mine: Participant } | SfuRefusal {
    const call = this.load();
    if (!call || call.id !== callId) return 'no_call';
    const mine = call.participants.find((p) => p.userId === userId);
    if (!mine) return 'not_in_call';
    if (call.transport !== 'sfu') return 'mesh';
    return { call, mine };
  }

  /** A participant opened a Realtime session: it replaces any earlier one (and its tracks). */
  async sfuSession(callId: string, userId: string, sessionId: string): Promise<'ok' | SfuRefusal> {
    const found = this.sfuCall(callId, userId);
    if (typeof found === 'string') return found;
    const hadTracks = (found.mine.sfu?.tracks.length ?? 0) > 0;
    found.mine.sfu = { sessionId, tracks: [] };
    await this.save(found.call);
    if (hadTracks) this.announce(found.call);
    return 'ok';
  }

  /** The participant's session, for a call on it (renegotiate, close, pull). */
  sfuAccess(callId: string, userId: string): { sessionId: string } | SfuRefusal {
    const found = this.sfuCall(callId, userId);
    if (typeof found === 'string') return found;
    return found.mine.sfu ? { sessionId: found.mine.sfu.sessionId } : 'no_session';
  }

  /** Tracks the participant published on their session: the others are told to pull them. */
  async sfuPublished(callId: string, userId: string, sessionId: string, tracks: SfuTrack[]): Promise<'ok' | SfuRefusal> {
    const found = this.sfuCall(callId, userId);
    if (typeof found === 'string') return found;
    const sfu = found.mine.sfu;
    if (!sfu || sfu.sessionId !== sessionId) return 'no_session';
    sfu.tracks = [...sfu.tracks.filter((t) => !tracks.some((n) => n.trackName === t.trackName)), ...tracks];
    await this.save(found.call);
    this.announce(found.call);
    return 'ok';
  }

  /** The sessions of tracks `userId` may pull: published by another participant, not separated from them by a block. */
  sfuSources(callId: string, userId: string, wanted: { userId: string; trackName: string }[]): { sessionId: string; sources: { userId: string; trackName: string; sessionId: string }[] } | SfuRefusal {
    const found = this.sfuCall(callId, userId);
    if (typeof found === 'string') return found;
    if (!found.mine.sfu) return 'no_session';
    const sources = [];
    for (const w of wanted) {
      const owner = found.call.participants.find((p) => p.userId === w.userId);
      const published = owner?.sfu?.tracks.some((t) => t.trackName === w.trackName);
      if (!owner || owner.userId === userId || !published || this.deps.separated(userId, owner.userId)) return 'not_pullable';
      sources.push({ userId: w.userId, trackName: w.trackName, sessionId: owner.sfu!.sessionId });
    }
    return { sessionId: found.mine.sfu.sessionId, sources };
  }

  // ------------------------------------------------------------------ lifecycle

  /** A socket closed: a participant bound to it gets GROUP_CALL_DROP_GRACE_MS to come back. */
  async socketClosed(ws: WebSocket): Promise<void> {
    const call = this.load();
    if (!call) return;
    const { socketId } = this.deps.sockets.attachmentOf(ws);
    const dropped = call.participants.find((p) => p.socketId === socketId);
    if (!dropped || dropped.dropAt !== null) return;
    dropped.dropAt = Date.now() + GROUP_CALL_DROP_GRACE_MS;
    await this.save(call);
    this.announce(call);
  }

  /** The alarm: participants who did not come back in time leave the call. */
  async deadlinePassed(): Promise<void> {
    const call = this.load();
    if (!call) return;
    const now = Date.now();
    const gone = call.participants.filter((p) => p.dropAt !== null && p.dropAt <= now && !this.deps.sockets.openSocket(p.socketId));
    if (!gone.length) return this.save(call);
    await this.removeParticipants(call, gone, now);
  }

  private async removeParticipants(call: StoredCall, leaving: Participant[], now: number): Promise<void> {
    call.participants = call.participants.filter((p) => !leaving.includes(p));
    for (const p of leaving) {
      const record = call.attendance[p.userId]!;
      record.totalMs += now - p.joinedAt;
      record.lastLeftAt = now;
    }
    await Promise.allSettled(leaving.map((p) => this.inbox(p.userId).releaseCall(call.id)));
    if (!call.participants.length) return this.finish(call, now);
    await this.save(call);
    this.announce(call);
  }

  /** The last person left: the log first (so it is complete when the end is announced), then the line and the news. */
  private async finish(call: StoredCall, endedAt: number): Promise<void> {
    this.deps.sql.exec('delete from group_call');
    await this.deps.storage.deleteAlarm();
    const joined = Object.keys(call.attendance);
    // Everyone who joined, and the members it rang: not those separated from its starter by a block.
    const rung = (userId: string) => userId === call.startedBy || !this.deps.separated(userId, call.startedBy);
    const logged = this.deps.memberIds().filter((userId) => call.attendance[userId] !== undefined || rung(userId));
    const people: GroupCallPerson[] = logged.map((userId) => {
      const a = call.attendance[userId];
      return a
        ? { userId, joinedAt: new Date(a.firstJoinedAt), leftAt: new Date(a.lastLeftAt ?? endedAt), durationMs: a.totalMs }
        : { userId, joinedAt: null, leftAt: null, durationMs: 0 };
    });
    const answered = joined.length > 1;
    try {
      await finishGroupCall(this.deps.db(), call.roomId, call.id, {
        status: answered ? 'accepted' : 'missed',
        startedAt: answered ? new Date(call.startedAt) : null,
        endedAt: new Date(endedAt),
        people,
      });
    } catch (err) {
      // The call is over either way; its log row stays "ringing" (the timeline line still says how it went).
      logFailure('recording a group call failed', err, { room: call.roomId, call: call.id });
    }
    this.deps.postSystem(
      `group-call-end-${call.id}`,
      `The ${call.media} call ended after ${durationText(endedAt - call.startedAt)} (${joined.length} ${joined.length === 1 ? 'person' : 'people'} joined)`,
    );
    this.announce(call, endedAt);
    const ended = this.view(call, call.startedBy, endedAt);
    for (const userId of this.deps.ringableIds()) {
      this.inbox(userId)
        .groupCallUpdate(ended)
        .catch((err: unknown) => logFailure('group call end to inbox failed', err, { room: call.roomId, call: call.id }));
    }
  }

  private stopRinging(call: StoredCall, userId: string): void {
    this.inbox(userId)
      .groupCallUpdate(this.view(call, userId))
      .catch((err: unknown) => logFailure('group call update to inbox failed', err, { room: call.roomId, call: call.id }));
  }

  /** The call with this id, if `me` is in it; otherwise tells the socket why not. */
  private participantCall(ws: WebSocket, me: SocketAttachment, callId: string): StoredCall | undefined {
    const call = this.load();
    if (!call || call.id !== callId) {
      sendFrame(ws, errorFrame('not_found', 'no such call in progress'));
      return undefined;
    }
    if (!call.participants.some((p) => p.userId === me.userId)) {
      sendFrame(ws, errorFrame('forbidden', 'you are not in this call'));
      return undefined;
    }
    return call;
  }
}

/** "3:07", "1:02:07": a call's length in a system line. */
export function durationText(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

function assertNever(frame: never): never {
  throw new Error(`unhandled group call frame ${JSON.stringify(frame)}`);
}
