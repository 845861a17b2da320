/**
 * One Durable Object per room (a 1-to-1 conversation or a group): the room's
 * ordering authority. It holds the room's WebSockets through the Hibernation
 * API, assigns each message the room's next seq, persists it to Postgres before
 * acknowledging it, and relays typing, presence and read receipts.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Database } from '../../drizzle/connection';
import {
  deleteMessage,
  editMessage,
  highestSeq,
  insertMessages,
  markRead,
  messagesAfter,
  setReaction,
  type NewMessage,
} from '../../drizzle/queries/messages';
import { listMembers } from '../../drizzle/queries/rooms';
import {
  CLOSE_CODES,
  HISTORY_PAGE_SIZE,
  MAX_RESUME_MESSAGES,
  PING_FRAME,
  PONG_FRAME,
  TYPING_TTL_MS,
  parseClientFrame,
  type ClientFrame,
  type MemberState,
  type WireMessage,
} from '../protocol';
import type { Env } from '../../worker/env';
import { parseRateSpec, TokenBucket } from '../rate-limit/token-bucket';
import { ActivityNotifier } from './activity-notifier';
import { CallController, type CallFrame } from './call-controller';
import { readConnectRequest, refuseConnection } from './connect-request';
import { RoomLocalState } from './local-state';
import { OrderedPipeline, type PendingSend } from './ordered-pipeline';
import {
  HibernatingSockets,
  attachmentOf,
  closeSessionSockets,
  echoClose,
  errorFrame,
  markLive,
  sendFrame,
  type SocketAttachment,
} from '../shared/sockets';
import { lazyObjectDatabase } from '../shared/object-database';
import { UsedTickets } from '../shared/used-tickets';

/** Each user's frames per room, unless ROOM_RATE_LIMIT says otherwise. */
const DEFAULT_ROOM_RATE_LIMIT = 'burst=30,perMinute=300';

export class ChatRoom extends DurableObject<Env> {
  private readonly local: RoomLocalState;
  private readonly sockets: HibernatingSockets;
  private readonly tickets: UsedTickets;
  private readonly pipeline: OrderedPipeline;
  private readonly activity: ActivityNotifier;
  private readonly calls: CallController;
  /** Per-user buckets; lost on hibernation, which only follows idleness, when they are full anyway. */
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly db: () => Database;
  /** Whether `local.lastSeq` has been checked against Postgres in this activation. */
  private seqVerified = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.db = lazyObjectDatabase(env);
    this.local = new RoomLocalState(ctx.storage.sql);
    this.sockets = new HibernatingSockets(ctx);
    this.tickets = new UsedTickets(ctx.storage.sql);
    this.activity = new ActivityNotifier(env.INBOXES);
    this.calls = new CallController({
      sql: ctx.storage.sql,
      storage: ctx.storage,
      sockets: this.sockets,
      inboxes: env.INBOXES,
      roomId: () => this.roomId,
      memberIds: () => this.local.members().map((m) => m.userId),
      db: () => this.db(),
      postRecord: (callerId, record) =>
        this.pipeline.send({
          senderId: callerId,
          type: 'call',
          // One record per call, however often the outcome is reported.
          clientId: `call-${record.callId}`,
          content: JSON.stringify(record),
          replyToSeq: null,
        }),
    });
    this.pipeline = new OrderedPipeline(
      (batch) => this.commitSends(batch),
      (err) => console.error('room job failed', err),
    );
    // Keepalives are answered by the runtime itself: they never wake the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_FRAME, PONG_FRAME));
  }

  private get roomId(): string {
    const id = this.local.roomId;
    if (!id) throw new Error('room used before its first connection named it');
    return id;
  }

  // ------------------------------------------------------------------ connect

  override async fetch(request: Request): Promise<Response> {
    const connect = readConnectRequest(request);
    if (!connect || request.headers.get('upgrade') !== 'websocket') {
      return refuseConnection(400, 'bad_request', 'not a room connection');
    }
    this.local.roomId ??= connect.roomId;
    if (this.local.roomId !== connect.roomId) {
      return refuseConnection(400, 'bad_request', 'wrong room');
    }
    const { ticketId, ticketExpiresAt = Date.now() } = connect;
    if (ticketId && !this.tickets.consume(ticketId, ticketExpiresAt)) {
      return refuseConnection(401, 'unauthorized', 'ticket already used');
    }
    if (!this.local.membersLoaded) await this.reloadMembers();
    if (!this.local.isMember(connect.userId)) {
      return refuseConnection(403, 'forbidden', 'you are not a member of this room');
    }

    const { 0: client, 1: server } = new WebSocketPair();
    this.sockets.accept(server, {
      userId: connect.userId,
      username: connect.username,
      sessionId: connect.sessionId,
      sessionExpiresAt: connect.sessionExpiresAt,
    });
    this.pipeline.run(() => this.greet(server, connect.after));
    return new Response(null, { status: 101, webSocket: client });
  }

  /**
   * Sends `ready`, then what the client missed, then lets live frames through.
   * Running in the pipeline, nothing is committed in between: every message
   * reaches this socket exactly once, in seq order.
   */
  private async greet(ws: WebSocket, after: number | undefined): Promise<void> {
    await this.verifySeq();
    const me = attachmentOf(ws);
    const firstSocketOfUser = this.sockets.socketsOf(me.userId, ws).length === 0;
    const lastSeq = this.local.lastSeq;
    sendFrame(ws, { type: 'ready', roomId: this.roomId, userId: me.userId, lastSeq, members: this.memberStates() });
    if (after !== undefined) {
      // `synced` always answers `after=`, even when nothing was missed: one rule for clients.
      let sent = 0;
      let cursor = Math.max(after, lastSeq - MAX_RESUME_MESSAGES);
      while (cursor < lastSeq) {
        const page = await messagesAfter(this.db(), this.roomId, cursor, lastSeq, HISTORY_PAGE_SIZE);
        if (page.length === 0) break;
        sendFrame(ws, { type: 'history', messages: page });
        sent += page.length;
        cursor = page.at(-1)!.seq;
      }
      sendFrame(ws, { type: 'synced', lastSeq, complete: after >= lastSeq - MAX_RESUME_MESSAGES || sent === 0 });
    }
    markLive(ws);
    if (firstSocketOfUser) this.sockets.broadcast({ type: 'presence', userId: me.userId, online: true }, ws);
  }

  /** After losing local storage, or a crash between commit and bookkeeping, Postgres knows better. */
  private async verifySeq(force = false): Promise<void> {
    if (this.seqVerified && !force) return;
    const stored = await highestSeq(this.db(), this.roomId);
    if (stored > this.local.lastSeq) this.local.lastSeq = stored;
    this.seqVerified = true;
  }

  // ------------------------------------------------------------------ frames

  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    const parsed = parseClientFrame(raw);
    if (!parsed.ok) return sendFrame(ws, parsed.error);
    const me = attachmentOf(ws);
    // Membership is checked on every frame, not only at the upgrade: members can be removed.
    if (!this.local.isMember(me.userId)) {
      sendFrame(ws, errorFrame('not_a_member', 'you are no longer a member of this room'));
      ws.close(CLOSE_CODES.notAMember, 'not a member');
      return;
    }
    if (Date.now() > me.sessionExpiresAt) {
      ws.close(CLOSE_CODES.sessionEnded, 'session expired: sign in again');
      return;
    }
    const allowed = this.takeToken(me.userId);
    if (!allowed.ok) {
      const clientId = parsed.frame.type === 'send' ? parsed.frame.clientId : undefined;
      const seconds = Math.ceil(allowed.retryAfterMs / 1000);
      return sendFrame(
        ws,
        errorFrame('rate_limited', `slow down: try again in ${seconds} s`, { clientId, retryAfterMs: allowed.retryAfterMs }),
      );
    }
    this.handle(ws, me, parsed.frame);
  }

  private takeToken(userId: string) {
    const now = Date.now();
    let bucket = this.buckets.get(userId);
    if (!bucket) {
      bucket = new TokenBucket(parseRateSpec('ROOM_RATE_LIMIT', this.env.ROOM_RATE_LIMIT ?? DEFAULT_ROOM_RATE_LIMIT), now);
      this.buckets.set(userId, bucket);
    }
    return bucket.take(now);
  }

  private handle(ws: WebSocket, me: SocketAttachment, frame: ClientFrame): void {
    switch (frame.type) {
      case 'send':
        return this.acceptSend(ws, me, frame);
      case 'edit':
        return this.updateMessage(ws, frame.seq, () => editMessage(this.db(), this.roomId, frame.seq, me.userId, frame.content));
      case 'delete':
        return this.updateMessage(ws, frame.seq, () => deleteMessage(this.db(), this.roomId, frame.seq, me.userId));
      case 'react':
        return this.updateMessage(ws, frame.seq, () =>
          setReaction(this.db(), this.roomId, frame.seq, me.userId, frame.emoji, frame.on),
        );
      case 'read':
        return this.markRead(ws, me, frame.seq);
      case 'typing':
        // Relayed, never stored: clients drop the indicator at `until`, so no timer keeps the room awake.
        return this.sockets.broadcast(
          { type: 'typing', userId: me.userId, until: frame.active ? Date.now() + TYPING_TTL_MS : 0 },
          ws,
        );
      case 'call_signal':
        // Relayed at once: ICE candidates are latency-sensitive and change no state.
        return void this.calls.handle(ws, me, frame).catch(reportTo(ws));
      case 'call_start':
      case 'call_accept':
      case 'call_reject':
      case 'call_hangup':
      case 'call_rejoin':
        return this.pipeline.run(() => this.calls.handle(ws, me, frame as CallFrame).catch(reportTo(ws)).then(() => {}));
      default:
        return assertNever(frame);
    }
  }

  /** The call's deadline (ring timeout or rejoin grace). */
  override async alarm(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.pipeline.run(() => this.calls.deadlinePassed().finally(resolve)),
    );
  }

  /** Asked by an inbox whose claim on a call may be stale. */
  async hasCall(callId: string): Promise<boolean> {
    return this.calls.hasCall(callId);
  }

  private acceptSend(ws: WebSocket, me: SocketAttachment, frame: Extract<ClientFrame, { type: 'send' }>): void {
    const stored = this.local.findRecentSend(me.userId, frame.clientId);
    if (stored) {
      // A resend of something already durable (its ack was lost): acknowledge again, store nothing.
      return sendFrame(ws, { type: 'ack', clientId: frame.clientId, ...stored });
    }
    if (frame.replyToSeq !== undefined && frame.replyToSeq > this.local.lastSeq) {
      return sendFrame(
        ws,
        errorFrame('not_found', `cannot reply to message ${frame.replyToSeq}: it does not exist`, { clientId: frame.clientId }),
      );
    }
    this.pipeline.send(
      {
        senderId: me.userId,
        type: 'text',
        clientId: frame.clientId,
        content: frame.content,
        replyToSeq: frame.replyToSeq ?? null,
      },
      ws,
    );
  }

  /** Commits a batch in one statement, then acks and broadcasts in seq order. */
  private async commitSends(batch: PendingSend[]): Promise<void> {
    try {
      await this.verifySeq();
      const stored = await this.insertBatch(batch).catch(async (err: unknown) => {
        if (!isSeqCollision(err)) throw err;
        await this.verifySeq(true);
        return this.insertBatch(batch);
      });
      const newest = stored.reduce((max, s) => Math.max(max, s.seq), this.local.lastSeq);
      this.local.lastSeq = newest;
      this.local.rememberSends(
        stored.flatMap((s) => (s.senderId ? [{ ...s, senderId: s.senderId, createdAt: s.createdAt.toISOString() }] : [])),
      );
      const byKey = new Map(stored.map((s) => [`${s.senderId}:${s.clientId}`, s]));
      for (const pending of batch) {
        const s = byKey.get(`${pending.senderId}:${pending.clientId}`);
        if (!s) throw new Error('stored batch is missing a message');
        const ack = { type: 'ack', clientId: s.clientId, id: s.id, seq: s.seq, createdAt: s.createdAt.toISOString() } as const;
        for (const waiter of pending.waiters) sendFrame(waiter, ack);
        if (!s.inserted) continue;
        const message = newMessage(this.roomId, pending, s);
        this.sockets.broadcast({ type: 'message', message });
        this.activity.noteMessage(message);
      }
      this.activity.schedule(() => {
        const live = this.sockets.liveUserIds();
        return this.local.members().map((m) => m.userId).filter((id) => !live.has(id));
      });
    } catch (err) {
      console.error('message batch not stored', err);
      for (const pending of batch) {
        const error = errorFrame('unavailable', 'message not stored; send it again with the same clientId', {
          clientId: pending.clientId,
          retryAfterMs: 1000,
        });
        for (const waiter of pending.waiters) sendFrame(waiter, error);
      }
    }
  }

  private async insertBatch(batch: PendingSend[]) {
    const rows: NewMessage[] = batch.map((p) => ({
      id: crypto.randomUUID(),
      senderId: p.senderId,
      type: p.type,
      clientId: p.clientId,
      content: p.content,
      replyToSeq: p.replyToSeq,
    }));
    const ids = new Set(rows.map((r) => r.id));
    const stored = await insertMessages(this.db(), this.roomId, this.local.lastSeq, rows);
    return stored.map((s) => ({ ...s, inserted: ids.has(s.id) })).sort((a, b) => a.seq - b.seq);
  }

  private updateMessage(ws: WebSocket, seq: number, apply: () => Promise<WireMessage | undefined>): void {
    this.pipeline.run(async () => {
      const message = seq <= this.local.lastSeq ? await apply().catch(reportTo(ws)) : undefined;
      if (message === null) return;
      if (!message) return sendFrame(ws, errorFrame('not_found', `no message ${seq} of yours that can be changed`));
      this.sockets.broadcast({ type: 'updated', message });
    });
  }

  private markRead(ws: WebSocket, me: SocketAttachment, seq: number): void {
    const upTo = Math.min(seq, this.local.lastSeq);
    const current = this.local.members().find((m) => m.userId === me.userId)?.lastReadSeq ?? 0;
    if (upTo <= current) return;
    this.pipeline.run(async () => {
      const stored = await markRead(this.db(), this.roomId, me.userId, upTo).catch(reportTo(ws));
      if (stored === null || stored === undefined) return;
      this.local.setLastRead(me.userId, stored);
      this.sockets.broadcast({ type: 'read', userId: me.userId, seq: stored });
    });
  }

  // ------------------------------------------------------------------ members and presence

  private async reloadMembers(): Promise<void> {
    const members = await listMembers(this.db(), this.roomId);
    this.local.replaceMembers(members);
  }

  /**
   * Called by the Worker after it changed the membership in Postgres: reloads
   * it, closes the sockets of anyone removed and tells everyone else.
   */
  async membersChanged(roomId: string, roomName: string | null, notice: string | null): Promise<void> {
    this.local.roomId ??= roomId;
    if (notice) {
      this.pipeline.send({ senderId: null, type: 'system', clientId: crypto.randomUUID(), content: notice, replyToSeq: null });
    }
    await new Promise<void>((resolve) =>
      this.pipeline.run(async () => {
        try {
          await this.reloadMembers();
          for (const ws of this.sockets.all()) {
            if (this.local.isMember(attachmentOf(ws).userId)) continue;
            sendFrame(ws, errorFrame('not_a_member', 'you were removed from this room'));
            ws.close(CLOSE_CODES.notAMember, 'removed from the room');
          }
          this.sockets.broadcast({ type: 'members', members: this.memberStates(), name: roomName });
        } finally {
          resolve();
        }
      }),
    );
  }

  /** Closes every socket opened under a session that has just been revoked (logout). */
  async disconnectSession(sessionId: string): Promise<number> {
    return closeSessionSockets(this.sockets.all(), sessionId, CLOSE_CODES.sessionEnded);
  }

  private memberStates(): MemberState[] {
    const online = this.sockets.onlineUserIds();
    return this.local.members().map((m) => ({ ...m, online: online.has(m.userId) }));
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    this.leave(ws);
    echoClose(ws, code, reason);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.leave(ws);
  }

  /** A socket is gone: presence for the room, and a call that may have lost a participant. */
  private leave(ws: WebSocket): void {
    const me = attachmentOf(ws);
    if (me.live && this.sockets.socketsOf(me.userId, ws).length === 0) {
      this.sockets.broadcast({ type: 'presence', userId: me.userId, online: false }, ws);
    }
    this.pipeline.run(() => this.calls.socketClosed(ws).catch((err: unknown) => console.error('call cleanup failed', err)));
  }
}

function newMessage(roomId: string, pending: PendingSend, stored: { id: string; seq: number; createdAt: Date }): WireMessage {
  return {
    id: stored.id,
    roomId,
    seq: stored.seq,
    senderId: pending.senderId,
    clientId: pending.clientId,
    type: pending.type,
    content: pending.content,
    replyToSeq: pending.replyToSeq,
    createdAt: stored.createdAt.toISOString(),
    editedAt: null,
    deletedAt: null,
    reactions: [],
  };
}

/** Logs a failed job and tells its socket, without details; resolves to null. */
function reportTo(ws: WebSocket) {
  return (err: unknown): null => {
    console.error('room operation failed', err);
    sendFrame(ws, errorFrame('unavailable', 'the room could not complete that; try again'));
    return null;
  };
}

/** Postgres unique_violation on the (room, seq) key: our seq counter was behind. */
function isSeqCollision(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string; constraint?: string } })?.cause ?? (err as { code?: string; constraint?: string });
  return cause?.code === '23505' && cause.constraint === 'messages_room_seq_key';
}

function assertNever(frame: never): never {
  throw new Error(`unhandled frame ${JSON.stringify(frame)}`);
}
