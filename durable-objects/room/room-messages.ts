/**
 * The room's message path: sends, edits, deletes, reactions and read cursors.
 * Each is written to the room's own storage: nothing on this path waits for the
 * network (the output gate holds the ack and the broadcast until the write is
 * durable). Sends are committed in groups: those that arrive within one timer
 * tick share one storage commit. The outbox writes Postgres behind.
 * Only changes to messages older than the tail, which live in Postgres alone,
 * go to the database, in the room's serial queue, with its deadline.
 */
import { deleteMessage, editMessage, highestSeq, messageBySeq, setReaction } from '../../drizzle/queries/messages';
import { recountThread } from '../../drizzle/queries/threads';
import { isDatabaseUnavailable, type Database } from '../../drizzle/connection';
import { previewKeyOf, type ClientFrame, type LinkPreview, type WireMessage } from '../protocol';
import { errorFrame, sendFrame, type HibernatingSockets, type SocketAttachment } from '../shared/sockets';
import type { ObjectDatabase } from '../shared/object-database';
import { logFailure } from '../shared/log-failure';
import type { ActivityNotifier } from './activity-notifier';
import type { AttachmentRegistry } from './attachment-registry';
import type { LinkPreviewRegistry } from './link-preview-registry';
import type { RoomLocalState } from './local-state';
import type { ChangeRefusal, MessageLog, NewLogMessage, ThreadRootCheck } from './message-log';
import type { Outbox } from './outbox';
import type { SerialQueue } from './serial-queue';

type ChangeFrame = Extract<ClientFrame, { type: 'edit' | 'delete' | 'react' }>;
type SendFrame = Extract<ClientFrame, { type: 'send' }>;

export interface RoomMessagesDeps {
  local: RoomLocalState;
  log: MessageLog;
  attachments: AttachmentRegistry;
  linkPreviews: LinkPreviewRegistry;
  outbox: Outbox;
  database: ObjectDatabase;
  sockets: HibernatingSockets;
  /** Who may see a member's read receipt (a block hides it: room/block-list.ts). */
  audienceOf?: (userId: string) => ((viewerId: string) => boolean) | undefined;
  activity: ActivityNotifier;
  queue: SerialQueue;
  roomId: () => string;
  /** Its sender deleted an attachment message: its bytes can go (never awaited: not on the message path). */
  attachmentDeleted: (attachmentId: string) => void;
  /** Members without a live socket here, asked when an activity notice goes out. */
  absentMemberIds: () => string[];
  /** A member's first message in this room has been appended. */
  firstMessageOf: (userId: string) => void;
  /** A thread reply was appended: who took part in its thread hear of it (activity-notifier.ts). */
  threadReply: (reply: WireMessage, participants: string[]) => void;
}

const ATTACHMENT_REFUSALS = {
  unknown: 'no such upload in this room: upload the file first (POST /api/rooms/:roomId/attachments)',
  not_yours: 'that attachment was uploaded by someone else',
  already_sent: 'that attachment was already sent; upload it again to send it again',
  sealed: 'that upload is encrypted: it can only be sent in a secret chat (send_secret)',
  not_sealed: 'a secret message can only carry an encrypted upload (sealed=1)',
} as const;

const THREAD_REFUSALS: Record<Exclude<ThreadRootCheck, 'ok'>, string> = {
  not_found: 'no such message to start a thread on',
  deleted: 'that message was deleted: its thread takes no more replies',
  is_reply: 'that message is a thread reply: reply in its thread instead (threads do not nest)',
  not_a_message: 'system lines cannot have threads',
};

const REFUSALS: Record<ChangeRefusal, string> = {
  not_found: 'no such message, or it was deleted',
  not_yours: 'only the sender can change that message',
  not_editable: 'call records and system lines cannot be changed',
  not_text: 'only text can be edited; delete a picture, file or voice note and send it again instead',
  too_many_reactions: 'that message has as many different reactions as it can take; add to an existing one',
};

/** A forwarded copy as posted; `repeated` when it had been posted before (a retry). */
export interface ForwardedCopy {
  id: string;
  seq: number;
  createdAt: string;
  repeated: boolean;
}

interface QueuedSend {
  input: NewLogMessage & { senderId: string };
  /** Sockets to acknowledge: a resend that arrives while its first copy is queued joins it. */
  waiters: WebSocket[];
}

export class RoomMessages {
  /** Sends received since the last commit turn, in arrival order. */
  private queued = new Map<string, QueuedSend>();
  private commitScheduled = false;

  constructor(private readonly deps: RoomMessagesDeps) {}

  /**
   * Makes the room's seq counter authoritative, once in the room's life: a room
   * that has never kept its own log learns the highest seq Postgres holds.
   */
  async ensureSeqAuthority(): Promise<void> {
    const { local, database } = this.deps;
    if (local.seqAuthoritative) return;
    const stored = await database.run('reading the highest stored seq', (db) => highestSeq(db, this.deps.roomId()));
    if (local.seqAuthoritative) return;
    if (stored > local.lastSeq) local.lastSeq = stored;
    local.markSeqAuthoritative();
  }

  /** A member's `send`; `send_secret` comes here too, as a send of the `secret` kind. */
  send(ws: WebSocket, me: SocketAttachment, frame: SendFrame, kind?: 'secret'): void {
    const { local, log } = this.deps;
    const stored = local.findRecentSend(me.userId, frame.clientId);
    if (stored) {
      // A resend of something already durable (its ack was lost): acknowledge again, store nothing.
      return sendFrame(ws, { type: 'ack', clientId: frame.clientId, ...stored });
    }
    if (frame.replyToSeq !== undefined && frame.replyToSeq > local.lastSeq) {
      return sendFrame(
        ws,
        errorFrame('not_found', `cannot reply to message ${frame.replyToSeq}: it does not exist`, { clientId: frame.clientId }),
      );
    }
    const root = frame.threadRootSeq;
    if (root !== undefined && root > local.lastSeq) return this.refuseThread(ws, frame, 'not_found');
    if (root !== undefined && root < log.tailStart(local.lastSeq)) {
      // A root older than the tail lives in Postgres alone: checked there, in the room's serial
      // queue (a resend arriving meanwhile waits behind it and finds the first copy).
      void this.deps.queue.run(() => this.sendToOlderRoot(ws, me, frame, root));
      return;
    }
    if (root !== undefined) {
      const check = log.threadRootCheck(root);
      if (check !== 'ok') return this.refuseThread(ws, frame, check);
    }
    this.enqueue(ws, me, frame, kind);
  }

  private async sendToOlderRoot(ws: WebSocket, me: SocketAttachment, frame: SendFrame, root: number): Promise<void> {
    let message: WireMessage | undefined;
    try {
      message = await this.deps.database.run('reading a thread root', (db) => messageBySeq(db, this.deps.roomId(), root));
    } catch (err) {
      logFailure('thread root check failed', err, { room: this.deps.roomId(), seq: root });
      const why = isDatabaseUnavailable(err) ? 'older messages cannot take thread replies while the database is unreachable' : 'that reply failed';
      return sendFrame(ws, errorFrame('unavailable', `${why}; try again`, { clientId: frame.clientId, retryAfterMs: 5000 }));
    }
    const check: ThreadRootCheck = !message
      ? 'not_found'
      : message.deletedAt
        ? 'deleted'
        : message.threadRootSeq !== undefined
          ? 'is_reply'
          : message.type === 'system'
            ? 'not_a_message'
            : 'ok';
    if (check !== 'ok') return this.refuseThread(ws, frame, check);
    const stored = this.deps.local.findRecentSend(me.userId, frame.clientId);
    if (stored) return sendFrame(ws, { type: 'ack', clientId: frame.clientId, ...stored });
    this.olderRootSenders.delete(root);
    this.olderRootSenders.set(root, message!.senderId);
    // Most recent first out: the map is a small memory, not a record (a wake starts it empty).
    if (this.olderRootSenders.size > 256) this.olderRootSenders.delete(this.olderRootSenders.keys().next().value!);
    this.enqueue(ws, me, frame);
  }

  private refuseThread(ws: WebSocket, frame: SendFrame, why: Exclude<ThreadRootCheck, 'ok'>): void {
    sendFrame(ws, errorFrame(why === 'not_found' ? 'not_found' : 'forbidden', THREAD_REFUSALS[why], { clientId: frame.clientId }));
  }

  /** The senders of roots older than the tail that got replies lately: they hear of the replies. */
  private readonly olderRootSenders = new Map<number, string | null>();

  private enqueue(ws: WebSocket, me: SocketAttachment, frame: SendFrame, kind?: 'secret'): void {
    // Looked up synchronously in the room's own storage: nothing awaits between here and the seq.
    const claim = frame.attachmentId === undefined ? undefined : this.deps.attachments.claim(me.userId, frame.attachmentId, frame.clientId, kind === 'secret');
    if (claim && !claim.ok) {
      const code = claim.why === 'unknown' ? 'not_found' : 'forbidden';
      return sendFrame(ws, errorFrame(code, ATTACHMENT_REFUSALS[claim.why], { clientId: frame.clientId }));
    }
    const attachment = claim?.attachment && frame.albumId ? { ...claim.attachment, albumId: frame.albumId } : claim?.attachment;
    const linkPreview = this.linkPreviewFor(frame);
    const key = `${me.userId}\u0000${frame.clientId}`;
    const queued = this.queued.get(key);
    if (queued) {
      if (!queued.waiters.includes(ws)) queued.waiters.push(ws);
      return;
    }
    this.queued.set(key, {
      input: {
        senderId: me.userId,
        type: kind ?? attachment?.kind ?? 'text',
        clientId: frame.clientId,
        content: frame.content,
        replyToSeq: frame.replyToSeq ?? null,
        ...(frame.threadRootSeq === undefined ? {} : { threadRootSeq: frame.threadRootSeq }),
        ...(attachment ? { attachment } : {}),
        ...(linkPreview ? { linkPreview } : {}),
      },
      waiters: [ws],
    });
    if (this.commitScheduled) return;
    this.commitScheduled = true;
    // Group commit: the sends that arrive before the timer fires are written in one turn, so one
    // storage commit (one disk flush) carries them all; acks wait for it either way (output gate).
    setTimeout(() => this.commitPending(), 0);
  }

  /**
   * The preview a send names, when the link is in its text and the Worker fetched it
   * for this room lately; otherwise the message goes without one (a preview is never
   * a reason to refuse a message).
   */
  private linkPreviewFor(frame: SendFrame): LinkPreview | undefined {
    if (frame.linkPreviewUrl === undefined || !frame.content.includes(frame.linkPreviewUrl)) return undefined;
    const key = previewKeyOf(frame.linkPreviewUrl);
    return key === undefined ? undefined : this.deps.linkPreviews.find(key);
  }

  /**
   * Commits the sends received so far now (the timer then finds nothing): a
   * membership change calls it so that what arrived before it is ordered before its line.
   */
  commitPending(): void {
    this.commitScheduled = false;
    if (this.queued.size === 0) return;
    const batch = [...this.queued.values()];
    this.queued.clear();
    for (const { input, waiters } of batch) {
      this.append(input, waiters);
    }
  }

  /**
   * A message of the room's own: a system line, or a call record. Their
   * clientIds contain ':', which clients' ids cannot, so no client can pre-empt
   * or resend one.
   */
  post(input: Omit<NewLogMessage, 'clientId'> & { key: string }): void {
    const clientId = `${input.type}:${input.key}`;
    if (input.senderId && this.deps.local.findRecentSend(input.senderId, clientId)) return;
    this.append({ senderId: input.senderId, type: input.type, clientId, content: input.content, replyToSeq: input.replyToSeq });
  }

  /**
   * A forwarded copy, posted for its forwarder (POST /api/forward): the same ordered,
   * exactly-once step as a `send`. Sends received before it are ordered first; the same
   * forward asked again (a retry after a lost answer) returns the first copy, `repeated`.
   * A copied attachment was registered here beforehand (ChatRoom.reserveForwardCopy) and is
   * claimed like an upload named by a send; undefined when that claim is refused.
   */
  forward(senderId: string, clientId: string, content: string, attachmentId?: string): ForwardedCopy | undefined {
    const stored = this.deps.local.findRecentSend(senderId, clientId);
    if (stored) return { ...stored, repeated: true };
    const claim = attachmentId === undefined ? undefined : this.deps.attachments.claim(senderId, attachmentId, clientId);
    if (claim && !claim.ok) return undefined;
    const attachment = claim?.attachment;
    this.commitPending();
    const message = this.append({
      senderId,
      type: attachment?.kind ?? 'text',
      clientId,
      content,
      replyToSeq: null,
      ...(attachment ? { attachment } : {}),
    });
    return { id: message.id, seq: message.seq, createdAt: message.createdAt, repeated: false };
  }

  /** A message as its room holds it: in the tail, or in Postgres when older. */
  async find(seq: number): Promise<WireMessage | undefined> {
    const { log, local, database } = this.deps;
    if (seq > local.lastSeq) return undefined;
    if (seq >= log.tailStart(local.lastSeq)) return log.get(seq);
    return database.run('reading a message', (db) => messageBySeq(db, this.deps.roomId(), seq));
  }

  /**
   * Seq, storage, ack, broadcast: one synchronous step, so order and durability are one thing.
   * The sender hears `ack` before its own `message` comes back (clients clear their in-flight
   * send on the ack), as the protocol has always had it.
   */
  private append(input: NewLogMessage, waiters: WebSocket[] = []): WireMessage {
    const { local, log, sockets, activity, outbox } = this.deps;
    if (!local.seqAuthoritative) throw new Error('append before the seq counter was checked (ensureSeqAuthority)');
    const message = log.append(local.lastSeq + 1, input);
    local.lastSeq = message.seq;
    if (message.senderId) {
      local.rememberSends([{ ...message, senderId: message.senderId }]);
      if (local.noteWriter(message.senderId)) this.deps.firstMessageOf(message.senderId);
    }
    const ack = { type: 'ack', clientId: message.clientId, id: message.id, seq: message.seq, createdAt: message.createdAt } as const;
    for (const ws of waiters) sendFrame(ws, ack);
    sockets.broadcast({ type: 'message', message });
    if (message.threadRootSeq === undefined) activity.noteMessage(message);
    else this.threadChanged(message.threadRootSeq, message);
    activity.schedule(this.deps.absentMemberIds);
    outbox.changed();
    return message;
  }

  /**
   * A reply was added to or deleted from thread `rootSeq`: a root in the tail is recounted and
   * its new summary broadcast (clients move the "N replies" line from it); a new reply goes to
   * the thread's participants. A root older than the tail is counted by Postgres at the flush
   * (drizzle/queries/threads.ts), and clients count the live replies they see meanwhile.
   */
  private threadChanged(rootSeq: number, reply?: WireMessage): void {
    const { log, local, sockets } = this.deps;
    const inTail = rootSeq >= log.tailStart(local.lastSeq);
    const root = inTail ? log.recountThread(rootSeq) : undefined;
    if (root) sockets.broadcast({ type: 'updated', message: root });
    if (!reply) return;
    const participants = inTail ? log.threadParticipants(rootSeq) : log.threadParticipants(rootSeq).concat(this.olderRootSenderOf(rootSeq));
    this.deps.threadReply(reply, [...new Set(participants)]);
  }

  private olderRootSenderOf(rootSeq: number): string[] {
    const sender = this.olderRootSenders.get(rootSeq);
    return sender ? [sender] : [];
  }

  /** Edit, delete or react: in the tail at once; older messages through Postgres. */
  change(ws: WebSocket, me: SocketAttachment, frame: ChangeFrame): void {
    const { log, local } = this.deps;
    if (frame.seq > local.lastSeq) return this.refuse(ws, 'not_found');
    if (frame.seq >= log.tailStart(local.lastSeq)) {
      const attachment = frame.type === 'delete' ? log.get(frame.seq)?.attachment : undefined;
      const result = this.applyInTail(me, frame);
      if (typeof result === 'string') return this.refuse(ws, result);
      if (attachment) this.deps.attachmentDeleted(attachment.id);
      this.deps.sockets.broadcast({ type: 'updated', message: result });
      if (frame.type === 'delete' && result.threadRootSeq !== undefined) this.threadChanged(result.threadRootSeq);
      this.deps.outbox.changed();
      return;
    }
    void this.deps.queue.run(async () => {
      let result: WireMessage | ChangeRefusal;
      try {
        result = await this.deps.database.run('changing an older message', (db) => this.applyInPostgres(db, me, frame));
      } catch (err) {
        logFailure('change to an older message failed', err, { room: this.deps.roomId(), seq: frame.seq, change: frame.type });
        const why = isDatabaseUnavailable(err) ? 'older messages cannot be changed while the database is unreachable' : 'that change failed';
        return sendFrame(ws, errorFrame('unavailable', `${why}; try again`, { retryAfterMs: 5000 }));
      }
      if (typeof result === 'string') return this.refuse(ws, result);
      this.deps.sockets.broadcast({ type: 'updated', message: result });
    });
  }

  private applyInTail(me: SocketAttachment, frame: ChangeFrame): WireMessage | ChangeRefusal {
    const { log } = this.deps;
    switch (frame.type) {
      case 'edit':
        return log.edit(frame.seq, me.userId, frame.content);
      case 'delete':
        return log.delete(frame.seq, me.userId);
      case 'react':
        return log.react(frame.seq, me.userId, frame.emoji, frame.on);
    }
  }

  private async applyInPostgres(
    db: Database,
    me: SocketAttachment,
    frame: ChangeFrame,
  ): Promise<WireMessage | ChangeRefusal> {
    const roomId = this.deps.roomId();
    switch (frame.type) {
      case 'edit':
        return (await editMessage(db, roomId, frame.seq, me.userId, frame.content)) ?? this.whyNot(db, frame.seq, me.userId, 'edit');
      case 'delete': {
        const attachment = (await messageBySeq(db, roomId, frame.seq))?.attachment;
        const deleted = await deleteMessage(db, roomId, frame.seq, me.userId);
        if (!deleted) return this.whyNot(db, frame.seq, me.userId, 'delete');
        if (attachment) this.deps.attachmentDeleted(attachment.id);
        // Its root is older still, so in Postgres too: counted there (a reply still in the outbox is counted at its flush).
        if (deleted.threadRootSeq !== undefined) await recountThread(db, roomId, deleted.threadRootSeq);
        return deleted;
      }
      case 'react':
        return (await setReaction(db, roomId, frame.seq, me.userId, frame.emoji, frame.on)) ?? 'not_found';
    }
  }

  /** Why Postgres changed nothing: the same answers as the tail gives (MessageLog.checkOwn). */
  private async whyNot(db: Database, seq: number, userId: string, change: 'edit' | 'delete'): Promise<ChangeRefusal> {
    const message = await messageBySeq(db, this.deps.roomId(), seq);
    if (!message || message.deletedAt) return 'not_found';
    if (message.type === 'system' || message.type === 'call') return 'not_editable';
    if (change === 'edit' && message.type !== 'text') return 'not_text';
    return message.senderId === userId ? 'not_found' : 'not_yours';
  }

  private refuse(ws: WebSocket, why: ChangeRefusal): void {
    const code = why === 'not_found' ? 'not_found' : 'forbidden';
    sendFrame(ws, errorFrame(code, REFUSALS[why]));
  }

  /** A member's read cursor: forward only, capped at the newest message. */
  read(me: SocketAttachment, seq: number): void {
    const { local, log, sockets, outbox } = this.deps;
    const upTo = Math.min(seq, local.lastSeq);
    const current = local.lastReadOf(me.userId);
    if (upTo <= current) return;
    local.setLastRead(me.userId, upTo);
    log.noteRead(me.userId, upTo);
    sockets.broadcast({ type: 'read', userId: me.userId, seq: upTo }, undefined, this.deps.audienceOf?.(me.userId));
    outbox.changed();
  }
}
