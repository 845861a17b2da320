/**
 * Where a room socket gets its single-use ticket: from the tab's open inbox socket (a `ticket`
 * frame out, its answer back: no HTTP round trip on a room switch, issue 18), or, while the
 * inbox is not live or does not answer, from POST /api/rooms/:roomId/ws-ticket as before. Any
 * refusal by the inbox falls back to the REST route too, so that its answer (403 not a member,
 * 401 signed out) reaches the room socket exactly as it always has.
 */
import { api } from './api';
import type { InboxClientFrame, InboxFrame } from '../lib/protocol';

/** An inbox answer that does not come within this long is given up on (REST is asked instead). */
const INBOX_TICKET_TIMEOUT_MS = 3000;

type Answer = Extract<InboxFrame, { type: 'ticket' | 'error' }>;
type Send = (frame: InboxClientFrame) => boolean;

interface Waiter {
  resolve(ticket: string): void;
  reject(err: Error): void;
}

export class RoomTickets {
  private send: Send | null = null;
  private readonly waiting = new Map<string, Waiter>();

  constructor(private readonly rest: (roomId: string) => Promise<string>) {}

  /** The inbox socket is live (`inbox_ready`) and sends with `send`; null once it is not. */
  inboxLive(send: Send | null): void {
    this.send = send;
    if (send) return;
    for (const waiter of this.waiting.values()) waiter.reject(new Error('inbox socket closed'));
    this.waiting.clear();
  }

  /** Takes an inbox frame that answers a ticket request; false for any other frame. */
  answer(frame: InboxFrame): boolean {
    if (frame.type !== 'ticket' && !(frame.type === 'error' && frame.requestId)) return false;
    const { requestId } = frame as Answer;
    const waiter = requestId === undefined ? undefined : this.waiting.get(requestId);
    if (!waiter) return true;
    this.waiting.delete(requestId!);
    if (frame.type === 'ticket') waiter.resolve(frame.ticket);
    else waiter.reject(new Error(`inbox refused: ${frame.code}`));
    return true;
  }

  async ticketFor(roomId: string): Promise<string> {
    if (this.send) {
      try {
        return await this.fromInbox(this.send, roomId);
      } catch {
        // Not live after all, refused or slow: the REST route answers (and says why, if it refuses).
      }
    }
    return this.rest(roomId);
  }

  private fromInbox(send: Send, roomId: string): Promise<string> {
    const requestId = crypto.randomUUID();
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(requestId);
        reject(new Error('inbox did not answer'));
      }, INBOX_TICKET_TIMEOUT_MS);
      const settle = <T>(fn: (value: T) => void) => (value: T) => {
        clearTimeout(timer);
        fn(value);
      };
      this.waiting.set(requestId, { resolve: settle(resolve), reject: settle(reject) });
      if (!send({ type: 'ticket', requestId, roomId })) this.answer({ type: 'error', code: 'unavailable', message: 'inbox not open', requestId });
    });
  }
}

/** The tab's one broker: the inbox socket feeds it, room sockets ask it. */
export const roomTickets = new RoomTickets(async (roomId) => (await api.roomTicket(roomId)).ticket);
