/**
 * One Durable Object per user: their inbox. Every signed-in tab holds one inbox
 * socket (/ws/inbox), so the inbox knows whether the user is online, and it is
 * where the rest of the system reaches the user outside the room they have
 * open: rooms report activity here, contacts' inboxes report presence here.
 *
 * Presence is derived from open sockets only: no heartbeats, so an idle inbox
 * hibernates. The inbox reports its user to the sharded online directory when a
 * socket opens and when the last one closes; anyone telling many users something
 * asks the directory first and calls only online inboxes, so an offline inbox is
 * not woken (each wake opens its storage). A change is pushed to each online
 * contact's inbox; a new tab learns its contacts' presence from the directory,
 * one call per shard. See docs/architecture.md.
 *
 * Privacy settings (durable-objects/shared/privacy.ts) decide, for each contact, whether
 * the two share presence at all: if not, neither inbox is told anything of the other
 * (no timing leaks out), and `inbox_ready` shows them offline with no last seen.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Database } from '../../drizzle/connection';
import { contactsOf, touchLastSeen, type Contact } from '../../drizzle/queries/rooms';
import { presenceSharedWith } from '../../drizzle/queries/privacy';
import type { Env } from '../shared/env';
import { CLOSE_CODES, PING_FRAME, PONG_FRAME, parseInboxClientFrame, type CallState, type InboxClientFrame, type ContactPresence, type GroupCallState, type WireMessage } from '../protocol';
import { readConnectRequest, refuseConnection } from '../room/connect-request';
import { HibernatingSockets, echoClose, sendFrame } from '../shared/sockets';
import { refuseOversizedFrame } from '../shared/frame-limits';
import { logFailure, logRejections } from '../shared/log-failure';
import { FAN_OUT_AT_ONCE, settleBounded } from '../shared/bounded';
import { contactPresence } from '../presence/contact-presence';
import { lazyObjectDatabase } from '../shared/object-database';
import { ADMISSION_REFUSALS, UsedTickets } from '../shared/used-tickets';
import { directoryOf, onlineAmong } from '../presence/online-lookup';
import { SerialQueue } from '../room/serial-queue';
import { PushDispatcher } from './push-dispatcher';
import { TicketDesk } from './ticket-desk';

function assertNever(type: never): never {
  throw new Error(`unhandled inbox frame ${String(type)}`);
}

export class UserInbox extends DurableObject<Env> {
  private readonly sockets: HibernatingSockets;
  private readonly tickets: UsedTickets;
  private readonly db: () => Database;
  private readonly push: PushDispatcher;
  private readonly ticketDesk: TicketDesk;
  /** Reports to the online directory, in the order they happened here (the directory keeps the last). */
  private readonly presenceReports = new SerialQueue((err) => logFailure('online directory report failed', err));

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.db = lazyObjectDatabase(env);
    this.sockets = new HibernatingSockets(ctx);
    this.tickets = UsedTickets.of(ctx.storage.sql, env);
    this.ticketDesk = new TicketDesk({ env, sessionEnded: (sessionId) => this.tickets.remembersEnded(sessionId) });
    ctx.storage.sql.exec('create table if not exists call_claim (call_id text primary key, room_id text not null)');
    this.push = new PushDispatcher({ env, db: this.db, sql: ctx.storage.sql, liveSessions: () => this.liveSessions() });
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_FRAME, PONG_FRAME));
  }

  private inboxOf(userId: string) {
    return this.env.INBOXES.get(this.env.INBOXES.idFromName(userId));
  }

  override async fetch(request: Request): Promise<Response> {
    const connect = readConnectRequest(request);
    // The Worker routes a user only to their own inbox: the "room" of an inbox connection is the user.
    if (!connect || connect.roomId !== connect.userId || request.headers.get('upgrade') !== 'websocket') {
      return refuseConnection(400, 'bad_request', 'not an inbox connection');
    }
    const admission = this.tickets.admit(connect);
    if (admission !== 'ok') return refuseConnection(401, 'unauthorized', ADMISSION_REFUSALS[admission]);
    const { 0: client, 1: server } = new WebSocketPair();
    const firstTab = this.sockets.socketsOf(connect.userId).length === 0;
    this.sockets.accept(server, {
      userId: connect.userId,
      username: connect.username,
      sessionId: connect.sessionId,
      sessionExpiresAt: connect.sessionExpiresAt,
    });
    this.ctx.waitUntil(this.greet(server, connect.userId, firstTab));
    return new Response(null, { status: 101, webSocket: client });
  }

  private async greet(ws: WebSocket, userId: string, firstTab: boolean): Promise<void> {
    try {
      // The report lands before inbox_ready, whose list reload reads Postgres: a group created
      // after the directory was asked shows in that reload, one created later finds us online.
      const [contacts] = await Promise.all([this.contactsOf(userId), this.reportPresence(userId, true)]);
      const states = await this.presencesOf(contacts);
      sendFrame(ws, { type: 'inbox_ready', userId, contacts: states });
      this.sockets.markLive(ws);
      if (firstTab) this.announce(userId, sharedIds(contacts), () => ({ userId, online: true, lastSeenAt: null }));
    } catch (err) {
      logFailure('inbox greeting failed', err, { user: userId });
      sendFrame(ws, { type: 'error', code: 'unavailable', message: 'could not load contacts; reconnect' });
      ws.close(1011, 'unavailable');
    }
  }

  /** Waits for this report and every one queued before it (the directory call's failure is logged, not thrown). */
  private reportPresence(userId: string, online: boolean): Promise<void> {
    return this.presenceReports.run(() => directoryOf(this.env.ONLINE_DIRECTORY, userId).report(userId, online));
  }

  /** My contacts, each with whether we share presence under both our privacy settings. */
  private async contactsOf(userId: string): Promise<SharedContact[]> {
    const contacts = await contactsOf(this.db(), userId);
    const shared = await presenceSharedWith(this.db(), userId, contacts.map((c) => c.userId));
    return contacts.map((c) => ({ ...c, shared: shared.has(c.userId) }));
  }

  /** Each contact's presence as I may see it; who is online comes from the directory, once per shard. */
  private async presencesOf(contacts: SharedContact[]): Promise<ContactPresence[]> {
    const online = await onlineAmong(this.env.ONLINE_DIRECTORY, sharedIds(contacts));
    return contacts.map((c) => (c.shared ? contactPresence(c.userId, online.has(c.userId), c.lastSeenAt) : hiddenPresence(c.userId)));
  }

  /**
   * Tells those of `contactIds` who are online this user's presence as `presenceFor` gives it
   * to each (an offline one reads presence when it connects); after the caller's answer.
   */
  private announce(userId: string, contactIds: string[], presenceFor: (contactId: string) => ContactPresence, what = 'presence fan-out failed'): void {
    const telling = onlineAmong(this.env.ONLINE_DIRECTORY, contactIds).then((online) =>
      settleBounded([...online], FAN_OUT_AT_ONCE, (id) => this.inboxOf(id).contactPresence(presenceFor(id))),
    );
    this.ctx.waitUntil(telling.then((results) => logRejections(what, results, { user: userId })));
  }

  // ------------------------------------------------------------------ called by other objects and the Worker

  private isOnline(): boolean {
    return this.sockets.all().some((ws) => ws.readyState === WebSocket.OPEN);
  }

  /** Devices (login sessions) with an open inbox socket: they hear everything live, so get no push. */
  private liveSessions(): Set<string> {
    const open = this.sockets.all().filter((ws) => ws.readyState === WebSocket.OPEN);
    return new Set(open.map((ws) => this.sockets.attachmentOf(ws).sessionId));
  }

  /** Runs a push after the caller has its answer: a push never slows the room. */
  private pushLater(what: string, work: Promise<void>, fields: Record<string, string>): void {
    this.ctx.waitUntil(work.catch((err: unknown) => logFailure(what, err, fields)));
  }

  contactPresence(presence: ContactPresence): void {
    this.sockets.broadcast({ type: 'contact_presence', contact: presence });
  }

  /**
   * This user changed their privacy settings (the Worker calls this): every contact's
   * inbox is told this user's presence as they may now see it (offline with no last seen
   * where hidden), and this user's own tabs get every contact's presence as it now stands.
   */
  async privacyChanged(userId: string, lastSeenAt: string | null): Promise<void> {
    const contacts = await this.contactsOf(userId);
    const online = this.isOnline();
    const mine: ContactPresence = { userId, online, lastSeenAt: online ? null : lastSeenAt };
    const shared = new Set(sharedIds(contacts));
    this.announce(userId, contacts.map((c) => c.userId), (id) => (shared.has(id) ? mine : hiddenPresence(userId)), 'privacy fan-out failed');
    this.contactsPresence(await this.presencesOf(contacts));
  }

  /** Several contacts at once (people who just started sharing a group): one call, one frame each. */
  contactsPresence(presences: ContactPresence[]): void {
    for (const contact of presences) this.sockets.broadcast({ type: 'contact_presence', contact });
  }

  /** `userId`: whose inbox this is (the room knows; an inbox is named after its user). */
  /** `count`: the messages this notice stands for that count as unread for this user. */
  roomActivity(message: WireMessage, userId: string, count?: number): void {
    this.sockets.broadcast({ type: 'activity', roomId: message.roomId, message, ...(count === undefined ? {} : { count }) });
    this.pushLater('message push failed', this.push.message(userId, message), { room: message.roomId });
  }

  roomsChanged(roomId: string, change: 'added' | 'removed' | 'updated'): void {
    this.sockets.broadcast({ type: 'rooms_changed', roomId, change });
  }

  /**
   * The user's one-call-at-a-time lock. A claim left by a room that no longer
   * has that call (it crashed mid-call) is taken over rather than blocking forever.
   */
  async claimCall(callId: string, roomId: string): Promise<'ok' | 'busy'> {
    const sql = this.ctx.storage.sql;
    const held = sql.exec<{ call_id: string; room_id: string }>('select call_id, room_id from call_claim').toArray()[0];
    if (held && held.call_id !== callId) {
      const room = this.env.ROOMS.get(this.env.ROOMS.idFromName(held.room_id));
      if (await room.hasCall(held.call_id).catch(() => true)) return 'busy';
    }
    sql.exec('delete from call_claim');
    sql.exec('insert into call_claim (call_id, room_id) values (?, ?)', callId, roomId);
    return 'ok';
  }

  releaseCall(callId: string): void {
    this.ctx.storage.sql.exec('delete from call_claim where call_id = ?', callId);
  }

  incomingCall(call: CallState): void {
    this.sockets.broadcast({ type: 'incoming_call', call });
    this.pushLater('call push failed', this.push.ring(call), { room: call.roomId, call: call.id });
  }

  /** `userId`: whose inbox this is (the caller's and the callee's both hear of a call). */
  callUpdate(call: CallState, userId: string): void {
    this.sockets.broadcast({ type: 'call_state', call });
    this.pushLater('call end push failed', this.push.callChanged(userId, call), { room: call.roomId, call: call.id });
  }

  /** A device of this user subscribed to Web Push (worker/push/routes.ts). */
  pushDevicesChanged(): void {
    this.push.devicesChanged();
  }

  /** A group call started in one of my groups (the client rings silently for a muted group). */
  groupCallRing(call: GroupCallState): void {
    this.sockets.broadcast({ type: 'group_call_ring', call });
  }

  /** A group call that rang here ended, or I joined it: stop ringing. */
  groupCallUpdate(call: GroupCallState): void {
    this.sockets.broadcast({ type: 'group_call_state', call });
  }

  /**
   * Has this session not ended, as far as this inbox was told? Asked by a ticket request
   * instead of Postgres: every ended session is told here (worker/realtime/disconnect.ts),
   * and remembered longer than any of its access tokens lives. Reads only.
   */
  sessionLive(sessionId: string): boolean {
    return !this.tickets.remembersEnded(sessionId);
  }

  disconnectSession(sessionId: string): number {
    this.tickets.endSession(sessionId);
    return this.sockets.closeSession(sessionId, CLOSE_CODES.sessionEnded);
  }

  // ------------------------------------------------------------------ socket events

  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    if (refuseOversizedFrame(ws, raw)) return;
    // The keepalive never gets here: the runtime answers it without waking us.
    const parsed = parseInboxClientFrame(raw);
    if (!parsed.ok) return sendFrame(ws, parsed.error);
    const frame = parsed.frame;
    switch (frame.type) {
      case 'ticket':
        return this.ticketRequested(ws, frame);
      default:
        return assertNever(frame.type);
    }
  }

  private async ticketRequested(ws: WebSocket, frame: Extract<InboxClientFrame, { type: 'ticket' }>): Promise<void> {
    const me = this.sockets.attachmentOf(ws);
    try {
      const { frame: answer, endSession } = await this.ticketDesk.answer(me, frame);
      sendFrame(ws, answer);
      if (endSession) this.sockets.close(ws, CLOSE_CODES.sessionEnded, 'session ended');
    } catch (err) {
      logFailure('inbox ticket failed', err, { user: me.userId, room: frame.roomId });
      sendFrame(ws, { type: 'error', code: 'unavailable', message: 'no ticket right now; try again', requestId: frame.requestId });
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    await this.leave(ws);
    echoClose(ws, code, reason);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.leave(ws);
  }

  private async leave(ws: WebSocket): Promise<void> {
    const { userId } = this.sockets.attachmentOf(ws);
    this.sockets.forget(ws);
    if (this.sockets.socketsOf(userId, ws).length > 0) return;
    const now = new Date();
    // First, so that once a contact hears we went offline, no one asks the directory and finds us online.
    await this.reportPresence(userId, false);
    try {
      await touchLastSeen(this.db(), userId, now);
      const contacts = await this.contactsOf(userId);
      const presence: ContactPresence = { userId, online: false, lastSeenAt: now.toISOString() };
      this.announce(userId, sharedIds(contacts), () => presence);
    } catch (err) {
      logFailure('offline announcement failed', err, { user: userId });
    }
  }
}

type SharedContact = Contact & { shared: boolean };

/** The contacts who may see this user's presence (and whose this user may see). */
function sharedIds(contacts: SharedContact[]): string[] {
  return contacts.filter((c) => c.shared).map((c) => c.userId);
}

/** How a contact whose presence I may not see appears: never online, no last seen. */
function hiddenPresence(userId: string): ContactPresence {
  return { userId, online: false, lastSeenAt: null };
}
