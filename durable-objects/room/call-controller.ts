/**
 * Call signaling for a 1-to-1 room. The browsers carry the media peer to peer;
 * the room only rings, relays offers, answers and ICE candidates between the
 * two participants' bound sockets, and records each call.
 *
 * The call in progress lives in the object's SQLite storage and its deadlines
 * (ring timeout, rejoin grace) in the object's alarm, so both survive
 * hibernation. Each user's inbox holds a claim on the call they are in: that is
 * how a call to someone already on the phone elsewhere gets "busy".
 */
import { callPermission, discardCall, recordCall, updateCall, type CallOutcome } from '../../drizzle/queries/calls';
import type { Database } from '../../drizzle/connection';
import type { UserInbox } from '../inbox/user-inbox';
import {
  CALL_REJOIN_GRACE_MS,
  CALL_RING_TIMEOUT_MS,
  type CallRecord,
  type CallState,
  type ClientFrame,
} from '../protocol';
import { errorFrame, sendFrame, type HibernatingSockets, type SocketAttachment } from '../shared/sockets';
import { logFailure } from '../shared/log-failure';

export type CallFrame = Extract<
  ClientFrame,
  { type: 'call_start' | 'call_accept' | 'call_reject' | 'call_hangup' | 'call_signal' | 'call_rejoin' | 'call_video' }
>;

interface ActiveCall {
  state: CallState;
  callerSocketId: string;
  calleeSocketId: string | null;
  /** Epoch ms by which the call must be answered, or a dropped participant must rejoin. */
  deadline: number | null;
}

export interface CallDeps {
  sql: SqlStorage;
  /** The call's deadline: the room's alarm is shared, so only these two of its calls. */
  storage: Pick<DurableObjectStorage, 'setAlarm' | 'deleteAlarm'>;
  sockets: HibernatingSockets;
  inboxes: DurableObjectNamespace<UserInbox>;
  roomId: () => string;
  memberIds: () => string[];
  db: () => Database;
  /** Puts the call's outcome in the room's timeline, in order with messages. */
  postRecord: (callerId: string, record: CallRecord) => void;
}

export class CallController {
  constructor(private readonly deps: CallDeps) {
    deps.sql.exec('create table if not exists active_call (id text primary key, data text not null)');
  }

  private load(): ActiveCall | undefined {
    const row = this.deps.sql.exec<{ data: string }>('select data from active_call').toArray()[0];
    return row && (JSON.parse(row.data) as ActiveCall);
  }

  private save(call: ActiveCall): void {
    this.deps.sql.exec('delete from active_call');
    this.deps.sql.exec('insert into active_call (id, data) values (?, ?)', call.state.id, JSON.stringify(call));
  }

  private clear(): void {
    this.deps.sql.exec('delete from active_call');
  }

  hasActiveCall(): boolean {
    return this.load() !== undefined;
  }

  hasCall(callId: string): boolean {
    return this.load()?.state.id === callId;
  }

  private inbox(userId: string) {
    return this.deps.inboxes.get(this.deps.inboxes.idFromName(userId));
  }

  /** Sends the state to every socket of both participants in this room, and to their inboxes. */
  private announce(call: CallState): void {
    for (const userId of [call.callerId, call.calleeId]) {
      for (const ws of this.deps.sockets.socketsOf(userId)) sendFrame(ws, { type: 'call_state', call });
      this.inbox(userId)
        .callUpdate(call, userId)
        .catch((err: unknown) => logFailure('call update to inbox failed', err, { room: this.deps.roomId(), call: call.id }));
    }
  }

  private async setDeadline(call: ActiveCall, deadline: number | null): Promise<void> {
    call.deadline = deadline;
    this.save(call);
    if (deadline === null) await this.deps.storage.deleteAlarm();
    else await this.deps.storage.setAlarm(deadline);
  }

  // ------------------------------------------------------------------ frames

  /** Signals are relayed at once; state changes run in the room's pipeline (see chat-room.ts). */
  async handle(ws: WebSocket, me: SocketAttachment, frame: CallFrame): Promise<void> {
    switch (frame.type) {
      case 'call_start':
        return this.start(ws, me, frame.callId, frame.media);
      case 'call_accept':
        return this.accept(ws, me, frame.callId);
      case 'call_reject':
        return this.whileRinging(ws, me, frame.callId, (call) => this.finish(call, 'rejected'));
      case 'call_hangup':
        return this.hangUp(ws, me, frame.callId);
      case 'call_signal':
        return this.relay(ws, me, frame);
      case 'call_rejoin':
        return this.rejoin(ws, me, frame.callId);
      case 'call_video':
        return this.switchToVideo(ws, me, frame.callId);
      default:
        return assertNever(frame);
    }
  }

  private async start(ws: WebSocket, me: SocketAttachment, callId: string, media: 'voice' | 'video'): Promise<void> {
    const others = this.deps.memberIds().filter((id) => id !== me.userId);
    if (others.length !== 1) {
      return sendFrame(ws, errorFrame('forbidden', 'calls are between the two members of a 1-to-1 conversation'));
    }
    if (this.load()) return sendFrame(ws, errorFrame('busy', 'a call is already in progress in this conversation'));
    const calleeId = others[0]!;
    const roomId = this.deps.roomId();
    const db = this.deps.db();
    // A group that happens to have two members is still a group: calls are for direct conversations only.
    const permission = await callPermission(db, roomId, me.userId, calleeId);
    if (permission?.kind !== 'direct') {
      return sendFrame(ws, errorFrame('forbidden', 'calls are only possible in 1-to-1 conversations, not in groups'));
    }
    if (permission.blocked) return sendFrame(ws, errorFrame('forbidden', 'you cannot call this person'));
    const now = new Date();
    const state: CallState = {
      id: callId,
      roomId,
      media,
      callerId: me.userId,
      calleeId,
      status: 'ringing',
      createdAt: now.toISOString(),
      startedAt: null,
      endedAt: null,
    };
    // The id is the client's choice: it must be new, or another call's log entry (here or in
    // another room) would be the one this call updates.
    if (!(await recordCall(db, { ...base(state), status: 'ringing' }))) {
      return sendFrame(ws, errorFrame('forbidden', 'that callId is already used: start the call with a new random UUID'));
    }
    if ((await this.inbox(me.userId).claimCall(callId, roomId)) !== 'ok') {
      await discardCall(db, roomId, callId);
      return sendFrame(ws, errorFrame('busy', 'you are already in a call'));
    }
    if ((await this.inbox(calleeId).claimCall(callId, roomId)) !== 'ok') {
      await this.inbox(me.userId).releaseCall(callId);
      const busy: CallState = { ...state, status: 'busy', endedAt: now.toISOString() };
      await updateCall(db, roomId, callId, { status: 'busy', endedAt: now });
      this.deps.postRecord(me.userId, { callId, media, status: 'busy', durationMs: null });
      for (const socket of this.deps.sockets.socketsOf(me.userId)) sendFrame(socket, { type: 'call_state', call: busy });
      return;
    }
    const call: ActiveCall = { state, callerSocketId: me.socketId, calleeSocketId: null, deadline: null };
    await this.setDeadline(call, Date.now() + CALL_RING_TIMEOUT_MS);
    this.announce(state);
    this.inbox(calleeId)
      .incomingCall(state)
      .catch((err: unknown) => logFailure('ringing the callee failed', err, { room: this.deps.roomId(), call: state.id }));
  }

  private async accept(ws: WebSocket, me: SocketAttachment, callId: string): Promise<void> {
    await this.whileRinging(ws, me, callId, async (call) => {
      const startedAt = new Date();
      call.state = { ...call.state, status: 'accepted', startedAt: startedAt.toISOString() };
      call.calleeSocketId = me.socketId;
      await this.setDeadline(call, null);
      await updateCall(this.deps.db(), call.state.roomId, callId, { status: 'accepted', startedAt });
      this.announce(call.state);
    });
  }

  private async hangUp(ws: WebSocket, me: SocketAttachment, callId: string): Promise<void> {
    const call = this.participantCall(ws, me, callId);
    if (!call) return;
    if (call.state.status === 'accepted') return this.finish(call, 'ended');
    // Hanging up while it rings: the caller gave up (missed), or the callee declined.
    return this.finish(call, me.userId === call.state.callerId ? 'missed' : 'rejected');
  }

  private relay(ws: WebSocket, me: SocketAttachment, frame: Extract<CallFrame, { type: 'call_signal' }>): void {
    const call = this.participantCall(ws, me, frame.callId);
    if (!call) return;
    if (call.state.status !== 'accepted') {
      return sendFrame(ws, errorFrame('forbidden', 'signaling starts once the call is accepted'));
    }
    const targetSocketId = me.userId === call.state.callerId ? call.calleeSocketId : call.callerSocketId;
    const target = this.deps.sockets.openSocket(targetSocketId);
    if (!target) {
      return sendFrame(ws, errorFrame('unavailable', 'the other side is reconnecting; send it again after call_state'));
    }
    sendFrame(target, { type: 'call_signal', callId: frame.callId, fromUserId: me.userId, signal: frame.signal });
  }

  private async rejoin(ws: WebSocket, me: SocketAttachment, callId: string): Promise<void> {
    const call = this.participantCall(ws, me, callId);
    if (!call) return;
    if (call.state.status !== 'accepted') return sendFrame(ws, { type: 'call_state', call: call.state });
    if (me.userId === call.state.callerId) call.callerSocketId = me.socketId;
    else call.calleeSocketId = me.socketId;
    const bothBound = [call.callerSocketId, call.calleeSocketId].every((id) => this.isOpen(id));
    await this.setDeadline(call, bothBound ? null : call.deadline);
    this.announce(call.state);
  }

  /** Someone turned their camera on: the call is a video call now, in the log and its record. */
  private async switchToVideo(ws: WebSocket, me: SocketAttachment, callId: string): Promise<void> {
    const call = this.participantCall(ws, me, callId);
    if (!call || call.state.media === 'video') return;
    if (call.state.status !== 'accepted') return sendFrame(ws, errorFrame('forbidden', 'the call has not started yet'));
    call.state = { ...call.state, media: 'video' };
    this.save(call);
    await updateCall(this.deps.db(), call.state.roomId, callId, { media: 'video' });
    this.announce(call.state);
  }

  // ------------------------------------------------------------------ lifecycle

  /** A socket closed: a ringing caller gave up; an accepted call waits a while for a rejoin. */
  async socketClosed(ws: WebSocket): Promise<void> {
    const call = this.load();
    if (!call) return;
    const { socketId } = this.deps.sockets.attachmentOf(ws);
    if (call.state.status === 'ringing' && socketId === call.callerSocketId) return this.finish(call, 'missed');
    if (call.state.status === 'accepted' && (socketId === call.callerSocketId || socketId === call.calleeSocketId)) {
      await this.setDeadline(call, Date.now() + CALL_REJOIN_GRACE_MS);
    }
  }

  /** The object's alarm: a call rang out, or a dropped participant never came back. */
  async deadlinePassed(): Promise<void> {
    const call = this.load();
    if (!call || call.deadline === null) return;
    if (Date.now() < call.deadline) {
      await this.deps.storage.setAlarm(call.deadline);
      return;
    }
    if (call.state.status === 'ringing') return this.finish(call, 'missed');
    const bothBound = [call.callerSocketId, call.calleeSocketId].every((id) => this.isOpen(id));
    if (bothBound) return this.setDeadline(call, null);
    return this.finish(call, 'ended');
  }

  private isOpen(socketId: string | null): boolean {
    return this.deps.sockets.openSocket(socketId) !== undefined;
  }

  private async finish(call: ActiveCall, outcome: 'rejected' | 'missed' | 'ended'): Promise<void> {
    const endedAt = new Date();
    const state: CallState = { ...call.state, status: outcome, endedAt: endedAt.toISOString() };
    this.clear();
    await this.deps.storage.deleteAlarm();
    const stored: CallOutcome = outcome === 'ended' ? 'accepted' : outcome;
    await updateCall(this.deps.db(), state.roomId, state.id, { status: stored, endedAt });
    const durationMs = state.startedAt ? endedAt.getTime() - Date.parse(state.startedAt) : null;
    this.deps.postRecord(state.callerId, { callId: state.id, media: state.media, status: stored, durationMs });
    this.announce(state);
    await Promise.allSettled([state.callerId, state.calleeId].map((id) => this.inbox(id).releaseCall(state.id)));
  }

  // ------------------------------------------------------------------ guards

  /** The active call with this id, if `me` takes part in it; otherwise tells the socket why not. */
  private participantCall(ws: WebSocket, me: SocketAttachment, callId: string): ActiveCall | undefined {
    const call = this.load();
    if (!call || call.state.id !== callId) {
      sendFrame(ws, errorFrame('not_found', 'no such call in progress'));
      return undefined;
    }
    if (me.userId !== call.state.callerId && me.userId !== call.state.calleeId) {
      sendFrame(ws, errorFrame('forbidden', 'you are not in this call'));
      return undefined;
    }
    return call;
  }

  /** Runs `then` on a ringing call when `me` is its callee. */
  private async whileRinging(
    ws: WebSocket,
    me: SocketAttachment,
    callId: string,
    then: (call: ActiveCall) => Promise<void>,
  ): Promise<void> {
    const call = this.participantCall(ws, me, callId);
    if (!call) return;
    if (me.userId !== call.state.calleeId) return sendFrame(ws, errorFrame('forbidden', 'only the callee can do that'));
    if (call.state.status !== 'ringing') return sendFrame(ws, errorFrame('forbidden', 'the call is no longer ringing'));
    await then(call);
  }
}

function base(state: CallState) {
  return {
    id: state.id,
    roomId: state.roomId,
    callerId: state.callerId,
    receiverId: state.calleeId,
    media: state.media,
    createdAt: new Date(state.createdAt),
  };
}

function assertNever(frame: never): never {
  throw new Error(`unhandled call frame ${JSON.stringify(frame)}`);
}
