/**
 * One Durable Object per user: their inbox. Every signed-in tab holds one inbox
 * socket (/ws/inbox), so the inbox knows whether the user is online, and it is
 * where the rest of the system reaches the user outside the room they have
 * open: rooms report activity here, contacts' inboxes report presence here.
 *
 * Presence is derived from open sockets only: no heartbeats, so an idle inbox
 * hibernates. A change is pushed to each contact's inbox; a new tab asks its
 * contacts' inboxes once. That is O(contacts) calls per change, fine for the
 * hundreds of contacts a person has; see docs/architecture.md for the path
 * beyond that.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Database } from '../../drizzle/connection';
import { contactsOf, touchLastSeen, type Contact } from '../../drizzle/queries/rooms';
import type { Env } from '../../worker/env';
import { CLOSE_CODES, PING_FRAME, PONG_FRAME, type CallState, type ContactPresence, type GroupCallState, type WireMessage } from '../protocol';
import { readConnectRequest, refuseConnection } from '../room/connect-request';
import { HibernatingSockets, echoClose, sendFrame } from '../shared/sockets';
import { refuseOversizedFrame } from '../shared/frame-limits';
import { logFailure } from '../shared/log-failure';
import { lazyObjectDatabase } from '../shared/object-database';
import { ADMISSION_REFUSALS, UsedTickets } from '../shared/used-tickets';
import { PushDispatcher } from './push-dispatcher';

export class UserInbox extends DurableObject<Env> {
  private readonly sockets: HibernatingSockets;
  private readonly tickets: UsedTickets;
  private readonly db: () => Database;
  private readonly push: PushDispatcher;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.db = lazyObjectDatabase(env);
    this.sockets = new HibernatingSockets(ctx);
    this.tickets = UsedTickets.of(ctx.storage.sql, env);
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
      const contacts = await contactsOf(this.db(), userId);
      const states = await Promise.all(contacts.map((c) => this.presenceOf(c)));
      sendFrame(ws, { type: 'inbox_ready', userId, contacts: states });
      this.sockets.markLive(ws);
      if (firstTab) this.announce(userId, contacts, { userId, online: true, lastSeenAt: null });
    } catch (err) {
      logFailure('inbox greeting failed', err, { user: userId });
      sendFrame(ws, { type: 'error', code: 'unavailable', message: 'could not load contacts; reconnect' });
      ws.close(1011, 'unavailable');
    }
  }

  private async presenceOf(contact: Contact): Promise<ContactPresence> {
    const online = await this.inboxOf(contact.userId)
      .isOnline()
      .catch(() => false);
    return { userId: contact.userId, online, lastSeenAt: online ? null : (contact.lastSeenAt?.toISOString() ?? null) };
  }

  private announce(userId: string, contacts: Contact[], presence: ContactPresence): void {
    for (const contact of contacts) {
      this.ctx.waitUntil(
        this.inboxOf(contact.userId)
          .contactPresence(presence)
          .catch((err: unknown) => logFailure('presence fan-out failed', err, { user: userId })),
      );
    }
  }

  // ------------------------------------------------------------------ called by other objects and the Worker

  isOnline(): boolean {
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

  /** Several contacts at once (people who just started sharing a group): one call, one frame each. */
  contactsPresence(presences: ContactPresence[]): void {
    for (const contact of presences) this.sockets.broadcast({ type: 'contact_presence', contact });
  }

  /** `userId`: whose inbox this is (the room knows; an inbox is named after its user). */
  roomActivity(message: WireMessage, userId: string): void {
    this.sockets.broadcast({ type: 'activity', roomId: message.roomId, message });
    this.pushLater('message push failed', this.push.message(userId, message), { room: message.roomId });
  }

  /** Returns whether the user is online, so that a group's announcement needs no second call to ask. */
  roomsChanged(roomId: string, change: 'added' | 'removed' | 'updated'): boolean {
    this.sockets.broadcast({ type: 'rooms_changed', roomId, change });
    return this.isOnline();
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
    // Only the keepalive is expected, and the runtime answers that without waking us.
    sendFrame(ws, { type: 'error', code: 'bad_frame', message: `the inbox accepts only ${PING_FRAME}` });
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
    try {
      await touchLastSeen(this.db(), userId, now);
      const contacts = await contactsOf(this.db(), userId);
      this.announce(userId, contacts, { userId, online: false, lastSeenAt: now.toISOString() });
    } catch (err) {
      logFailure('offline announcement failed', err, { user: userId });
    }
  }
}
