/**
 * Room tickets minted over the inbox socket (the `ticket` frame): the web app keeps its
 * inbox socket open, so asking it for a room's ticket saves the HTTP round trip of
 * POST /api/rooms/:roomId/ws-ticket on every room switch (issue 18: opening a room).
 *
 * The ticket is the same single-use, 60-second JWT the REST route mints, and it is
 * checked the same way at the upgrade (the room refuses a second use and an ended
 * session). What stands in for the REST route's checks:
 * - who asks: the socket's own identity, verified at its upgrade; nothing in the frame
 *   can change it;
 * - the session: not past its expiry, and not ended as far as this inbox was told
 *   (every way a session ends tells the inbox and closes its sockets here; the REST
 *   route asks this same memory: worker/realtime/ticket-caller.ts);
 * - membership and blocks: asked of the room, from its own cache, as the REST route does.
 * A per-inbox token bucket keeps a flood of requests from turning into a flood of room calls.
 */
import { jwtKeys, signWsTicket, WS_TICKET_TTL_SECONDS } from '../shared/tokens';
import { readConfig, type Env } from '../shared/env';
import { BLOCKED_CONVERSATION_TEXT, type InboxClientFrame, type InboxFrame } from '../protocol';
import { parseRateSpec, TokenBucket } from '../rate-limit/token-bucket';
import type { SocketAttachment } from '../shared/sockets';

type TicketRequest = Extract<InboxClientFrame, { type: 'ticket' }>;
export type TicketAnswer = Extract<InboxFrame, { type: 'ticket' | 'error' }>;

/** Room switches come in bursts (a reconnect opens the open room again); a script does not get more. */
export const DEFAULT_INBOX_TICKET_RATE = 'burst=30,perMinute=300';

export const TICKET_REFUSALS = {
  sessionEnded: 'session ended; sign in again',
  notMember: 'you are not a member of this room',
} as const;

export interface TicketDeskDeps {
  env: Env;
  /** Whether this inbox was told that the session ended (UsedTickets.remembersEnded). */
  sessionEnded: (sessionId: string) => boolean;
}

export class TicketDesk {
  /** One bucket for the inbox: its sockets are all one user's. */
  private bucket: TokenBucket | undefined;

  constructor(private readonly deps: TicketDeskDeps) {}

  /** The answer to send back; `endSession` when the socket's session is over (the caller closes it). */
  async answer(me: SocketAttachment, request: TicketRequest, nowMs = Date.now()): Promise<{ frame: TicketAnswer; endSession?: true }> {
    const { requestId, roomId } = request;
    const refuse = (code: Extract<TicketAnswer, { type: 'error' }>['code'], message: string) => ({
      frame: { type: 'error', code, message, requestId } as TicketAnswer,
    });
    if (nowMs > me.sessionExpiresAt || this.deps.sessionEnded(me.sessionId)) {
      return { ...refuse('forbidden', TICKET_REFUSALS.sessionEnded), endSession: true };
    }
    this.bucket ??= new TokenBucket(parseRateSpec('INBOX_TICKET_RATE_LIMIT', this.deps.env.INBOX_TICKET_RATE_LIMIT ?? DEFAULT_INBOX_TICKET_RATE), nowMs);
    const allowed = this.bucket.take(nowMs);
    if (!allowed.ok) return refuse('rate_limited', `slow down: try again in ${Math.ceil(allowed.retryAfterMs / 1000)} s`);
    const { env } = this.deps;
    const access = await env.ROOMS.get(env.ROOMS.idFromName(roomId)).access(roomId, me.userId);
    if (access === 'not_member') return refuse('not_a_member', TICKET_REFUSALS.notMember);
    if (access === 'blocked') return refuse('forbidden', BLOCKED_CONVERSATION_TEXT);
    // Asked again after the room's answer: a session that ended meanwhile gets nothing.
    if (this.deps.sessionEnded(me.sessionId)) return { ...refuse('forbidden', TICKET_REFUSALS.sessionEnded), endSession: true };
    const user = { id: me.userId, username: me.username, sessionId: me.sessionId, sessionExpiresAt: me.sessionExpiresAt };
    const ticket = await signWsTicket(jwtKeys(readConfig(env)), user, roomId);
    return { frame: { type: 'ticket', requestId, roomId, ticket, expiresIn: WS_TICKET_TTL_SECONDS } };
  }
}
