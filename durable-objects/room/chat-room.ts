/**
 * One Durable Object per room (a 1-to-1 conversation or a group): the room's
 * ordering authority and the durable log of its recent messages. It holds the
 * room's WebSockets through the Hibernation API, writes each message to its own
 * SQLite storage and acknowledges it at once (room-messages.ts), writes Postgres
 * behind it (outbox.ts), and relays typing, presence, read receipts and call
 * signaling. Connect and catch-up: catch-up.ts; calls: call-controller.ts.
 */
import { DurableObject } from 'cloudflare:workers';
import { listMembers, roomIsSecret } from '../../drizzle/queries/rooms';
import {
  ACCOUNT_DELETED_TEXT,
  BLOCKED_CONVERSATION_TEXT,
  PLAIN_SEND_IN_SECRET_ROOM_TEXT,
  THREADS_IN_SECRET_ROOM_TEXT,
  CLOSE_CODES,
  DEFAULT_SOCKET_BACKLOG_LIMIT_BYTES,
  PING_FRAME,
  PONG_FRAME,
  TYPING_TTL_MS,
  type Attachment,
  type LinkPreview,
  type ClientFrame,
  type MemberState,
  type Pin,
  type ServerFrame,
  type WireMessage,
} from '../protocol';
import type { Env } from '../shared/env';
import { parseRateSpec, TokenBucket } from '../rate-limit/token-bucket';
import { ActivityNotifier } from './activity-notifier';
import { AttachmentRegistry, type ThumbnailReservation } from './attachment-registry';
import { LinkPreviewRegistry } from './link-preview-registry';
import { UploadSweep, UPLOAD_SWEEP_DEADLINE } from './upload-sweep';
import { RoomBlockList } from './block-list';
import { blockedPairsIn } from '../../drizzle/queries/block-pairs';
import { memberPrivacyIn } from '../../drizzle/queries/privacy';
import type { MemberPrivacy } from '../shared/privacy';
import { RoomMemberPrivacy } from './member-privacy';
import { RoomAudience } from './audience';
import { attachmentKey, thumbnailKey } from '../shared/r2-keys';
import { backlogLimit, ReaderBacklog } from './backlog';
import { CallController, type CallFrame } from './call-controller';
import { catchUp } from './catch-up';
import { GroupCallController, type GroupCallFrame, type SfuRefusal, type SfuTrack } from './group-call';
import { realtimeConfig, sfuFrom } from '../shared/realtime-config';
import { readConnectRequest, refuseConnection } from './connect-request';
import { RoomLocalState, type CachedMember, type MembershipDelta } from './local-state';
import { MessageLog } from './message-log';
import { Outbox, OUTBOX_DEADLINE } from './outbox';
import { RoomMessages, type ForwardedCopy } from './room-messages';
import { SerialQueue } from './serial-queue';
import { Deadlines } from '../shared/deadlines';
import { HibernatingSockets, echoClose, errorFrame, sendFrame, type SocketAttachment } from '../shared/sockets';
import { refuseOversizedFrame } from '../shared/frame-limits';
import { parseClientFrameFast } from '../protocol-fast-path';
import { logFailure } from '../shared/log-failure';
import { ObjectDatabase } from '../shared/object-database';
import { introduceAfterFirstExchange } from '../presence/introduce';
import { ADMISSION_REFUSALS, UsedTickets } from '../shared/used-tickets';
import { threadAudience } from './thread-audience';

/** Each user's frames per room, unless ROOM_RATE_LIMIT says otherwise. */
const DEFAULT_ROOM_RATE_LIMIT = 'burst=30,perMinute=300';
const CALL_DEADLINE = 'call';
const GROUP_CALL_DEADLINE = 'group-call';
/** An upload not sent within a day is taken as abandoned (the tab closed, the send cancelled) and deleted. */

/** What a user's own sockets alone are told of: their private marks on messages. */
export type OwnDevicesFrame = Extract<ServerFrame, { type: 'hidden' | 'starred' }>;

export type ReadableMessage = { status: 'ok'; message: WireMessage } | { status: 'not_member' | 'not_found' };
/** `failed`: a forwarded attachment could not be copied here, or its copy not claimed (swept meanwhile). */
export type ForwardResult = ({ status: 'ok' } & ForwardedCopy) | { status: 'not_member' | 'blocked' | 'deleted' | 'failed' };
export type ForwardReservation = ForwardResult | { status: 'reserved' };

/** What the Worker's history route gets from the room: the part of a page only the room may have. */
export type ThreadTail =
  | { status: 'ok'; root: WireMessage; replies: WireMessage[]; tailStart: number }
  | { status: 'not_member' | 'not_found' };

export interface TailPage {
  member: boolean;
  /** Newest first, before the requested seq. */
  messages: WireMessage[];
  /** Everything below this seq is in Postgres. */
  tailStart: number;
}

export class ChatRoom extends DurableObject<Env> {
  private readonly local: RoomLocalState;
  private readonly log: MessageLog;
  private readonly attachments: AttachmentRegistry;
  private readonly linkPreviews: LinkPreviewRegistry;
  private readonly uploadSweep: UploadSweep;
  /** Blocked pairs among the members: filters presence, typing, read receipts, online and activity. */
  private readonly blocks: RoomBlockList;
  /** Members' privacy settings: with the blocks, who sees whose presence and read receipts. */
  private readonly privacy: RoomMemberPrivacy;
  private readonly audience: RoomAudience;
  private readonly sockets: HibernatingSockets;
  private readonly backlog: ReaderBacklog;
  private readonly tickets: UsedTickets;
  private readonly deadlines: Deadlines;
  private readonly database: ObjectDatabase;
  private readonly outbox: Outbox;
  private readonly messages: RoomMessages;
  private readonly queue: SerialQueue;
  private readonly activity: ActivityNotifier;
  private readonly calls: CallController;
  private readonly groupCall: GroupCallController;
  /** Per-user buckets; lost on hibernation, which only follows idleness, when they are full anyway. */
  private readonly buckets = new Map<string, TokenBucket>();
  /** Loading the members and the seq counter from Postgres, once in a room's life (shared by concurrent callers). */
  private starting: Promise<void> | undefined;
  /** Bumped by every membership change applied: a reload read before one is stale and dropped. */
  private membershipVersion = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    this.database = new ObjectDatabase(env);
    this.local = new RoomLocalState(sql);
    this.log = new MessageLog(sql, () => this.roomId);
    this.attachments = new AttachmentRegistry(sql);
    this.linkPreviews = new LinkPreviewRegistry(sql);
    this.blocks = new RoomBlockList(sql);
    this.backlog = new ReaderBacklog(backlogLimit(env.SOCKET_BACKLOG_LIMIT_BYTES, DEFAULT_SOCKET_BACKLOG_LIMIT_BYTES));
    this.sockets = new HibernatingSockets(ctx, (ws, characters) => this.backlog.sent(ws, characters));
    this.privacy = new RoomMemberPrivacy(sql);
    this.audience = new RoomAudience(this.blocks, this.privacy, this.local, this.sockets);
    this.tickets = UsedTickets.of(sql, env);
    this.deadlines = new Deadlines(sql, ctx.storage);
    this.uploadSweep = new UploadSweep(this.attachments, this.deadlines, (ids) => this.deleteFiles(ids));
    this.queue = new SerialQueue((err) => logFailure('room job failed', err, { room: this.local.roomId }));
    this.activity = new ActivityNotifier(env.INBOXES, (senderId) => this.blocks.separatedFrom(senderId));
    this.outbox = new Outbox({
      log: this.log,
      database: this.database,
      deadlines: this.deadlines,
      roomId: () => this.roomId,
      lastSeq: () => this.local.lastSeq,
    });
    this.messages = new RoomMessages({
      local: this.local,
      log: this.log,
      attachments: this.attachments,
      linkPreviews: this.linkPreviews,
      outbox: this.outbox,
      database: this.database,
      sockets: this.sockets,
      activity: this.activity,
      queue: this.queue,
      roomId: () => this.roomId,
      attachmentDeleted: (id) => this.deleteFiles([id]),
      audienceOf: (userId) => this.audience.receipts(userId),
      absentMemberIds: () => {
        const live = this.sockets.liveUserIds();
        return this.local.members().flatMap((m) => (live.has(m.userId) ? [] : [m.userId]));
      },
      // Two people who have both written in a direct room become contacts (presence); the check reads Postgres.
      firstMessageOf: (userId) =>
        this.outbox.whenFlushed(async () => {
          const contact = await introduceAfterFirstExchange(this.env, this.database.db(), this.roomId, userId);
          if (contact) this.privacy.addContacts(userId, contact);
        }),
      threadReply: (reply, participants) => this.activity.noteThreadReply(reply, threadAudience(reply, participants, this.local.members())),
    });
    this.calls = new CallController({
      sql,
      storage: this.deadlines.alarmFor(CALL_DEADLINE),
      sockets: this.sockets,
      inboxes: env.INBOXES,
      roomId: () => this.roomId,
      memberIds: () => this.local.members().map((m) => m.userId),
      db: () => this.database.db(),
      // One record per call, however often the outcome is reported.
      postRecord: (callerId, record) =>
        this.messages.post({ senderId: callerId, type: 'call', key: record.callId, content: JSON.stringify(record), replyToSeq: null }),
    });
    this.groupCall = new GroupCallController({
      sql,
      storage: this.deadlines.alarmFor(GROUP_CALL_DEADLINE),
      sockets: this.sockets,
      inboxes: env.INBOXES,
      roomId: () => this.roomId,
      ringableIds: () => this.local.members().flatMap((m) => (m.deleted ? [] : [m.userId])),
      memberIds: () => this.local.members().map((m) => m.userId),
      nameOf: (userId) => this.local.nameOf(userId),
      separated: (a, b) => this.blocks.separated(a, b),
      db: () => this.database.db(),
      postSystem: (key, text) => this.messages.post({ senderId: null, type: 'system', key, content: text, replyToSeq: null }),
      sfu: () => ({ available: realtimeConfig(env) !== null, from: sfuFrom(env) }),
    });
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
    const admission = this.tickets.admit(connect);
    if (admission !== 'ok') return refuseConnection(401, 'unauthorized', ADMISSION_REFUSALS[admission]);
    try {
      // Once in the room's life; after that a connection needs no database at all.
      await this.ensureStarted();
    } catch (err) {
      logFailure('room could not start', err, { room: connect.roomId });
      return refuseConnection(503, 'unavailable', 'this conversation cannot be opened right now; try again shortly');
    }
    if (!this.local.isMember(connect.userId)) {
      return refuseConnection(403, 'forbidden', 'you are not a member of this room');
    }
    if (this.local.blocked) return refuseConnection(403, 'forbidden', BLOCKED_CONVERSATION_TEXT);

    const { 0: client, 1: server } = new WebSocketPair();
    this.sockets.accept(server, {
      userId: connect.userId,
      username: connect.username,
      sessionId: connect.sessionId,
      sessionExpiresAt: connect.sessionExpiresAt,
    });
    const firstSocketOfUser = this.sockets.socketsOf(connect.userId, server).length === 0;
    void catchUp(server, connect.userId, connect.after, {
      local: this.local,
      sockets: this.sockets,
      log: this.log,
      database: this.database,
      roomId: this.roomId,
      members: () => this.memberStates(connect.userId),
    }).then((live) => {
      const audience = this.audience.presence(connect.userId);
      if (live && firstSocketOfUser) this.sockets.broadcast({ type: 'presence', userId: connect.userId, online: true }, server, audience);
      if (live) this.groupCall.greet(server, connect.userId);
    });
    return new Response(null, { status: 101, webSocket: client });
  }

  // ------------------------------------------------------------------ frames

  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    if (refuseOversizedFrame(ws, raw)) return;
    const parsed = parseClientFrameFast(raw);
    // Delivery reports are the cheapest frame there is, and never limited: limiting them would close readers.
    if (parsed.ok && parsed.frame.type === 'received') return this.backlog.received(ws);
    const me = this.sockets.attachmentOf(ws);
    // Membership is checked on every frame, not only at the upgrade: members can be removed.
    if (!this.local.isMember(me.userId)) {
      sendFrame(ws, errorFrame('not_a_member', 'you are no longer a member of this room'));
      this.sockets.close(ws, CLOSE_CODES.notAMember, 'not a member');
      return;
    }
    if (Date.now() > me.sessionExpiresAt) {
      this.sockets.close(ws, CLOSE_CODES.sessionEnded, 'session expired: sign in again');
      return;
    }
    // Invalid frames cost a token too: a flood of garbage is a flood.
    const allowed = this.takeToken(me.userId);
    if (!allowed.ok) {
      const clientId = parsed.ok && (parsed.frame.type === 'send' || parsed.frame.type === 'send_secret') ? parsed.frame.clientId : undefined;
      const seconds = Math.ceil(allowed.retryAfterMs / 1000);
      return sendFrame(
        ws,
        errorFrame('rate_limited', `slow down: try again in ${seconds} s`, { clientId, retryAfterMs: allowed.retryAfterMs }),
      );
    }
    if (!parsed.ok) return sendFrame(ws, parsed.error);
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
    if ((frame.type === 'send' || frame.type === 'send_secret' || frame.type === 'call_start' || frame.type === 'group_call_join') && this.local.othersAllDeleted(me.userId)) {
      const clientId = frame.type === 'send' || frame.type === 'send_secret' ? frame.clientId : undefined;
      return sendFrame(ws, errorFrame('forbidden', ACCOUNT_DELETED_TEXT, { clientId }));
    }
    switch (frame.type) {
      case 'send':
        // The app never sends plain text here; the room makes it a guarantee, not a habit.
        if (this.local.secret) return sendFrame(ws, errorFrame('forbidden', PLAIN_SEND_IN_SECRET_ROOM_TEXT, { clientId: frame.clientId }));
        return this.messages.send(ws, me, frame);
      case 'send_secret':
        if (frame.threadRootSeq !== undefined) return sendFrame(ws, errorFrame('forbidden', THREADS_IN_SECRET_ROOM_TEXT, { clientId: frame.clientId }));
        // Stored as it came: the ordered, exactly-once path of every message, with no reading of it.
        return this.messages.send(
          ws,
          me,
          { type: 'send', clientId: frame.clientId, content: frame.sealed, ...(frame.attachmentId ? { attachmentId: frame.attachmentId } : {}) },
          'secret',
        );
      case 'edit':
      case 'delete':
      case 'react':
        return this.messages.change(ws, me, frame);
      case 'read':
        return this.messages.read(me, frame.seq);
      case 'received':
        return this.backlog.received(ws);
      case 'typing':
        // Relayed, never stored: clients drop the indicator at `until`, so no timer keeps the room awake.
        return this.sockets.broadcast(
          { type: 'typing', userId: me.userId, until: frame.active ? Date.now() + TYPING_TTL_MS : 0 },
          ws,
          this.blocks.visibleTo(me.userId),
        );
      case 'call_signal':
        // Relayed at once: ICE candidates are latency-sensitive and change no state.
        return void this.calls.handle(ws, me, frame).catch(reportTo(ws));
      case 'call_start':
      case 'call_accept':
      case 'call_reject':
      case 'call_hangup':
      case 'call_rejoin':
      case 'call_video':
        return void this.queue.run(() => this.calls.handle(ws, me, frame as CallFrame).catch(reportTo(ws)).then(() => {}));
      case 'group_call_signal':
        // Relayed at once, like 1-to-1 signals.
        return void this.groupCall.handle(ws, me, frame).catch(reportTo(ws));
      case 'group_call_join':
      case 'group_call_leave':
      case 'group_call_media':
        return void this.queue.run(() => this.groupCall.handle(ws, me, frame as GroupCallFrame).catch(reportTo(ws)).then(() => {}));
      default:
        return assertNever(frame);
    }
  }

  /** The room's deadlines: the outbox's retry and the call's ring timeout or rejoin grace. */
  override async alarm(): Promise<void> {
    const due = this.deadlines.takeDue();
    const work: Promise<void>[] = [];
    if (due.includes(OUTBOX_DEADLINE) || this.log.hasUnflushed) work.push(this.outbox.retry());
    // The call keeps its own deadline and re-arms it if this was early: asking is always safe.
    if (due.includes(CALL_DEADLINE) || this.calls.hasActiveCall()) work.push(this.queue.run(() => this.calls.deadlinePassed()));
    if (due.includes(GROUP_CALL_DEADLINE) || this.groupCall.hasActiveCall()) work.push(this.queue.run(() => this.groupCall.deadlinePassed()));
    if (due.includes(UPLOAD_SWEEP_DEADLINE)) work.push(this.uploadSweep.sweep());
    await Promise.all(work);
    await this.deadlines.syncAlarm();
  }

  /** Asked by an inbox whose claim on a call may be stale. */
  async hasCall(callId: string): Promise<boolean> {
    return this.calls.hasCall(callId) || this.groupCall.hasCall(callId);
  }

  // ------------------------------------------------------------------ for the Worker

  /** May `userId` connect? From the room's own cache (no database once loaded). */
  async access(roomId: string, userId: string): Promise<'member' | 'not_member' | 'blocked'> {
    this.local.roomId ??= roomId;
    await this.ensureStarted();
    if (!this.local.isMember(userId)) return 'not_member';
    return this.local.blocked ? 'blocked' : 'member';
  }

  /** The Worker opened a Realtime session for a participant of this room's group call (worker/calls/sfu-routes.ts). */
  async groupCallSfuSession(roomId: string, callId: string, userId: string, sessionId: string): Promise<'ok' | SfuRefusal> {
    this.local.roomId ??= roomId;
    await this.ensureStarted();
    return this.queue.value(() => this.groupCall.sfuSession(callId, userId, sessionId));
  }

  /** The participant's Realtime session, if they are in this room's call over the SFU. */
  async groupCallSfuAccess(roomId: string, callId: string, userId: string): Promise<{ sessionId: string } | SfuRefusal> {
    this.local.roomId ??= roomId;
    await this.ensureStarted();
    return this.groupCall.sfuAccess(callId, userId);
  }

  /** Tracks a participant published: the others are told (group_call_state) to pull them. */
  async groupCallSfuPublished(roomId: string, callId: string, userId: string, sessionId: string, tracks: SfuTrack[]): Promise<'ok' | SfuRefusal> {
    this.local.roomId ??= roomId;
    await this.ensureStarted();
    return this.queue.value(() => this.groupCall.sfuPublished(callId, userId, sessionId, tracks));
  }

  /** Where the tracks a participant asks to pull are published, if they may pull them all. */
  async groupCallSfuSources(roomId: string, callId: string, userId: string, wanted: { userId: string; trackName: string }[]) {
    this.local.roomId ??= roomId;
    await this.ensureStarted();
    return this.groupCall.sfuSources(callId, userId, wanted);
  }

  /** A direct room's two people blocked each other (or no longer do): closes its sockets when blocked. */
  async setBlocked(roomId: string, blocked: boolean): Promise<void> {
    this.local.roomId ??= roomId;
    this.local.blocked = blocked;
    if (!blocked) return;
    for (const ws of this.sockets.all()) {
      sendFrame(ws, errorFrame('forbidden', BLOCKED_CONVERSATION_TEXT));
      this.sockets.close(ws, CLOSE_CODES.notAMember, 'conversation blocked');
    }
  }

  /**
   * The upload route stored an attachment's bytes in R2: remember it so that its
   * uploader's `send` can name it. False (nothing kept) for non-members.
   */
  async attachmentUploaded(roomId: string, userId: string, attachment: Attachment): Promise<boolean> {
    if ((await this.access(roomId, userId)) !== 'member') return false;
    this.attachments.register(userId, attachment);
    await this.uploadSweep.schedule();
    return true;
  }

  /**
   * The Worker fetched a link's preview for a member composing a message: remember it
   * so that a `send` naming the link carries it. False (nothing kept) for non-members.
   */
  async linkPreviewFetched(roomId: string, userId: string, preview: LinkPreview): Promise<boolean> {
    if ((await this.access(roomId, userId)) !== 'member') return false;
    this.linkPreviews.remember(preview);
    return true;
  }

  /** Deletes attachments' bytes and thumbnails from R2, in the background: never on the message path. */
  private deleteFiles(ids: string[]): void {
    const keys = ids.flatMap((id) => [attachmentKey(this.roomId, id), thumbnailKey(this.roomId, id)]);
    this.ctx.waitUntil(
      this.env.FILES.delete(keys).catch((err: unknown) => logFailure('deleting attachments from R2 failed', err, { room: this.roomId, files: ids.length })),
    );
  }

  /** May `userId` download attachment `id`? An upload not sent yet only by its uploader. */
  async attachmentAccess(roomId: string, userId: string, id: string): Promise<'member' | 'not_member' | 'blocked' | 'unsent'> {
    const access = await this.access(roomId, userId);
    if (access !== 'member') return access;
    return this.attachments.readableBy(userId, id) ? 'member' : 'unsent';
  }

  /** Before a thumbnail's bytes are written: only its uploader's, only once, only while unsent. */
  async reserveThumbnail(roomId: string, userId: string, id: string): Promise<ThumbnailReservation | 'not_member'> {
    if ((await this.access(roomId, userId)) !== 'member') return 'not_member';
    return this.attachments.reserveThumbnail(userId, id);
  }

  /** The reserved thumbnail's bytes are in R2; false if it was sent meanwhile (the caller deletes them). */
  async thumbnailUploaded(roomId: string, userId: string, id: string): Promise<boolean> {
    this.local.roomId ??= roomId;
    return this.attachments.thumbnailStored(userId, id);
  }

  /** The reserved thumbnail's write failed. */
  async thumbnailFailed(roomId: string, userId: string, id: string): Promise<void> {
    this.local.roomId ??= roomId;
    this.attachments.releaseThumbnail(userId, id);
  }

  /** The newest part of a history page, from the room's log; the Worker reads the rest from Postgres. */
  async tailPage(roomId: string, userId: string, before: number | undefined, limit: number): Promise<TailPage> {
    this.local.roomId ??= roomId;
    await this.ensureStarted();
    if (!this.local.isMember(userId)) return { member: false, messages: [], tailStart: 0 };
    const lastSeq = this.local.lastSeq;
    return { member: true, messages: this.log.before(before, limit), tailStart: this.log.tailStart(lastSeq) };
  }

  /**
   * The newest part of a history page for someone no longer in the room: the Worker checked
   * in Postgres that they may read up to a seq and caps `before` at the one after it, so
   * nothing here is newer than their limit. Membership is not asked: they have none.
   */
  async formerTailPage(roomId: string, before: number, limit: number): Promise<TailPage> {
    this.local.roomId ??= roomId;
    await this.ensureStarted();
    return { member: false, messages: this.log.before(before, limit), tailStart: this.log.tailStart(this.local.lastSeq) };
  }

  /**
   * A thread for a member: its root (from the tail or Postgres) and its replies in the tail
   * after `after`; the Worker reads replies older than `tailStart` from Postgres.
   */
  async threadTail(roomId: string, userId: string, rootSeq: number, after: number, limit: number): Promise<ThreadTail> {
    if ((await this.access(roomId, userId)) === 'not_member') return { status: 'not_member' };
    const root = await this.messages.find(rootSeq);
    if (!root || root.threadRootSeq !== undefined || root.type === 'system') return { status: 'not_found' };
    return { status: 'ok', root, replies: this.log.threadReplies(rootSeq, after, limit), tailStart: this.log.tailStart(this.local.lastSeq) };
  }

  // ------------------------------------------------------------------ message actions (worker/messages)

  /** Message `seq` for a member of the room (forwarding, starring, pinning check it exists). */
  async readableMessage(roomId: string, userId: string, seq: number): Promise<ReadableMessage> {
    if ((await this.access(roomId, userId)) === 'not_member') return { status: 'not_member' };
    const message = await this.messages.find(seq);
    if (!message || message.deletedAt) return { status: 'not_found' };
    return { status: 'ok', message };
  }

  /**
   * Before a forwarded attachment's bytes are copied here: the copy is registered like an
   * upload of `userId`'s (not sent yet, so the day's sweep deletes its bytes if the forward
   * never completes), or, when this forward was posted here already, its message.
   */
  async reserveForwardCopy(roomId: string, userId: string, clientId: string, attachment: Attachment): Promise<ForwardReservation> {
    const access = await this.access(roomId, userId);
    if (access !== 'member') return { status: access };
    if (this.local.othersAllDeleted(userId)) return { status: 'deleted' };
    const posted = this.local.findRecentSend(userId, clientId);
    if (posted) return { status: 'ok', ...posted, repeated: true };
    this.attachments.register(userId, attachment);
    await this.uploadSweep.schedule();
    return { status: 'reserved' };
  }

  /**
   * Posts a forwarded copy for `userId`, after the same checks a `send` gets. `clientId` is
   * the forward's own (FORWARD_CLIENT_ID_PREFIX + the forwarder's id). `copy` names an
   * attachment copied into this room's files after reserveForwardCopy, and whether its
   * thumbnail was copied too.
   */
  async forwardHere(
    roomId: string,
    userId: string,
    clientId: string,
    content: string,
    copy?: { attachmentId: string; thumbnail: boolean },
  ): Promise<ForwardResult> {
    const access = await this.access(roomId, userId);
    if (access !== 'member') return { status: access };
    if (this.local.othersAllDeleted(userId)) return { status: 'deleted' };
    if (copy?.thumbnail && this.attachments.reserveThumbnail(userId, copy.attachmentId) === 'ok') {
      this.attachments.thumbnailStored(userId, copy.attachmentId);
    }
    const posted = this.messages.forward(userId, clientId, content, copy?.attachmentId);
    return posted ? { status: 'ok', ...posted } : { status: 'failed' };
  }

  /**
   * The Worker changed the room's pins in Postgres: the line "X pinned a message" (a pin
   * only: unpinning is quiet) and the new list to every member.
   */
  async pinsChanged(roomId: string, pins: Pin[], line: { notice: string; seq: number; key: string } | null): Promise<void> {
    this.local.roomId ??= roomId;
    await this.ensureStarted();
    if (line) this.messages.post({ senderId: null, type: 'system', key: line.key, content: line.notice, replyToSeq: line.seq });
    this.sockets.broadcast({ type: 'pins', pins });
  }

  /**
   * `userId` deleted messages for themselves (`hidden`) or starred them (`starred`): their
   * other tabs and devices with the room open follow at once. Nobody else hears of it.
   */
  async toOwnDevices(roomId: string, userId: string, frame: OwnDevicesFrame): Promise<void> {
    this.local.roomId ??= roomId;
    for (const ws of this.sockets.socketsOf(userId)) sendFrame(ws, frame);
  }

  /** Resolves once everything the room holds is in Postgres (or a flush failed); for tests and shutdown. */
  async flushed(): Promise<{ unflushed: number }> {
    if (this.log.hasUnflushed) await this.outbox.retry();
    return { unflushed: this.log.unflushed };
  }

  // ------------------------------------------------------------------ members and presence

  /**
   * The members, the seq counter and whether the room is secret, from the room's storage; a
   * room new to its storage loads them from Postgres once (together, shared by concurrent callers).
   */
  private async ensureStarted(): Promise<void> {
    if (this.local.membersLoaded && this.privacy.loaded && this.local.seqAuthoritative && this.local.secrecyKnown) return;
    this.starting ??= Promise.all([
      this.local.membersLoaded && this.privacy.loaded ? undefined : this.reloadMembers(),
      this.messages.ensureSeqAuthority(),
      this.local.secrecyKnown ? undefined : this.loadSecrecy(),
    ]).then(
      () => {
        this.starting = undefined;
      },
      (err: unknown) => {
        this.starting = undefined;
        throw err;
      },
    );
    await this.starting;
  }

  private async loadSecrecy(): Promise<void> {
    const roomId = this.roomId;
    this.local.secret = await this.database.run('reading whether the room is secret', (db) => roomIsSecret(db, roomId));
  }

  /** The member list (and blocked pairs, privacy settings) from Postgres; false (nothing applied) if a change was applied while it was read. */
  private async reloadMembers(): Promise<boolean> {
    const version = this.membershipVersion;
    const [members, blocked, privacy] = await this.database.run('loading the members', (db) =>
      Promise.all([listMembers(db, this.roomId), blockedPairsIn(db, this.roomId), memberPrivacyIn(db, this.roomId)]),
    );
    if (version !== this.membershipVersion) return false;
    this.local.replaceMembers(members);
    this.blocks.replace(blocked);
    this.privacy.replace(privacy.settings, privacy.contacts);
    return true;
  }

  /**
   * Called by the Worker after it changed the membership in Postgres, with the
   * change. With the room's state in storage this needs no database: the change,
   * its line, closing the removed members' sockets and the new `members` are one
   * synchronous step, so no frame of a removed member is taken after the line and
   * none reaches them. Without a delta (a profile changed) the list is reloaded.
   */
  /**
   * Returns the room's last seq once the change is applied: with a delta, the seq of its line
   * (or of the last message before it), which is where removed members' history ends.
   */
  async membersChanged(roomId: string, roomName: string | null, notice: string | null, delta?: MembershipDelta): Promise<number> {
    this.local.roomId ??= roomId;
    if (!delta) {
      await this.queue.run(async () => {
        if (await this.reloadMembers()) this.afterMembershipChange(roomName);
      });
      return this.local.lastSeq;
    }
    await this.ensureStarted();
    // From here on nothing awaits. Sends already received get their seqs before the line.
    this.messages.commitPending();
    this.local.applyDelta(delta);
    this.membershipVersion += 1;
    if (notice) this.messages.post({ senderId: null, type: 'system', key: crypto.randomUUID(), content: notice, replyToSeq: null });
    const lineSeq = this.local.lastSeq;
    this.afterMembershipChange(roomName);
    if (delta.added?.length || delta.removed?.length || delta.roles?.length) this.reconcileMembers(roomName);
    return lineSeq;
  }

  /** Closes the sockets of anyone no longer a member and tells everyone else the new list. */
  private afterMembershipChange(roomName: string | null): void {
    for (const [ws, attachment] of [...this.sockets.entries()]) {
      if (this.local.isMember(attachment.userId)) continue;
      sendFrame(ws, errorFrame('not_a_member', 'you were removed from this room'));
      this.sockets.close(ws, CLOSE_CODES.notAMember, 'removed from the room');
    }
    this.broadcastMembers(roomName);
  }

  /**
   * Deltas of two concurrent changes can reach the room in the other order than
   * Postgres committed them: in the background, the room compares its list with
   * Postgres once more and applies any difference. Never on the message path.
   */
  private reconcileMembers(roomName: string | null): void {
    void this.queue.run(async () => {
      const before = this.local.members().map(memberKey).join('\n');
      try {
        if (!(await this.reloadMembers())) return;
      } catch (err) {
        // The next change reconciles again; its own delta was applied already.
        logFailure('members reconcile failed', err, { room: this.local.roomId });
        return;
      }
      if (this.local.members().map(memberKey).join('\n') !== before) this.afterMembershipChange(roomName);
    });
  }

  /** Two members blocked each other (or no longer do): their presence, typing, receipts and activity part. */
  async setBlockedPair(roomId: string, a: string, b: string, blocked: boolean): Promise<void> {
    this.local.roomId ??= roomId;
    this.blocks.set(a, b, blocked);
    if (blocked) {
      // Each stops seeing the other online at once.
      for (const [viewer, subject] of [[a, b], [b, a]] as const) {
        for (const ws of this.sockets.socketsOf(viewer)) sendFrame(ws, { type: 'presence', userId: subject, online: false });
      }
    }
  }

  /**
   * A member changed their privacy settings (the Worker tells each of their rooms): applied
   * in memory and storage, and open sockets follow at once (audience.ts).
   */
  async privacyChanged(roomId: string, userId: string, settings: MemberPrivacy): Promise<void> {
    this.local.roomId ??= roomId;
    // A room that never loaded its members' settings reads them, this change included, when it starts.
    if (!this.privacy.loaded) return;
    this.audience.apply(userId, settings);
  }

  /** `members` to every socket, each viewer seeing blocked members, and hidden presence and receipts, as such. */
  private broadcastMembers(name: string | null): void {
    if (this.audience.uniform) return this.sockets.broadcast({ type: 'members', members: this.memberStates(), name });
    for (const [ws, viewer] of this.sockets.entries()) {
      if (viewer.live && ws.readyState === WebSocket.OPEN) sendFrame(ws, { type: 'members', members: this.memberStates(viewer.userId), name });
    }
  }

  /** Closes every socket opened under a session that has just been revoked (logout). */
  async disconnectSession(sessionId: string): Promise<number> {
    this.tickets.endSession(sessionId);
    return this.sockets.closeSession(sessionId, CLOSE_CODES.sessionEnded);
  }

  /** The members as `viewerId` may see them (audience.ts): blocks and privacy settings applied. */
  private memberStates(viewerId?: string): MemberState[] {
    return this.audience.members(this.sockets.onlineUserIds(), viewerId);
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
    this.backlog.forget(ws);
    const me = this.sockets.attachmentOf(ws);
    this.sockets.forget(ws);
    if (me.live && this.sockets.socketsOf(me.userId, ws).length === 0) {
      this.sockets.broadcast({ type: 'presence', userId: me.userId, online: false }, ws, this.audience.presence(me.userId));
    }
    void this.queue.run(() => this.calls.socketClosed(ws).catch((err: unknown) => logFailure('call cleanup failed', err, { room: this.local.roomId })));
    void this.queue.run(() => this.groupCall.socketClosed(ws).catch((err: unknown) => logFailure('group call cleanup failed', err, { room: this.local.roomId })));
  }
}

/** Logs a failed job and tells its socket, without details; resolves to null. */
function reportTo(ws: WebSocket) {
  return (err: unknown): null => {
    logFailure('room operation failed', err);
    sendFrame(ws, errorFrame('unavailable', 'the room could not complete that; try again'));
    return null;
  };
}

/** What a member list change is about (read cursors move on their own). */
function memberKey(m: CachedMember): string {
  return [m.userId, m.username, m.displayName, m.avatarId ?? '', m.role, m.deleted ? 1 : 0].join('\u0000');
}

function assertNever(frame: never): never {
  throw new Error(`unhandled frame ${JSON.stringify(frame)}`);
}
