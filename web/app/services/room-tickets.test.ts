/**
 * RoomTickets: a room's ticket comes from the live inbox socket when it answers, and from the
 * REST route otherwise (not live, refused, closed while asking), so that the REST route's own
 * refusal reaches the room socket as before. The inbox side is driven by hand here; the real
 * inbox's answers are tested in durable-objects/inbox/ticket-desk.worker.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { InboxClientFrame } from '../lib/protocol';
import { RoomTickets } from './room-tickets';

const ROOM = '6f1f6f9e-1b0a-4c4e-9d57-0f4a3c2b1a00';

function setup() {
  const restAsked: string[] = [];
  const sent: InboxClientFrame[] = [];
  const tickets = new RoomTickets(async (roomId) => {
    restAsked.push(roomId);
    return `rest-ticket-for-${roomId}`;
  });
  const send = (frame: InboxClientFrame) => {
    sent.push(frame);
    return true;
  };
  return { tickets, restAsked, sent, send };
}

/** Lets the request reach `send` (ticketFor is async). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('RoomTickets', () => {
  it('asks REST while the inbox is not live', async () => {
    const { tickets, restAsked } = setup();
    expect(await tickets.ticketFor(ROOM)).toBe(`rest-ticket-for-${ROOM}`);
    expect(restAsked).toEqual([ROOM]);
  });

  it('takes the inbox answer to its own request, and asks no REST', async () => {
    const { tickets, restAsked, sent, send } = setup();
    tickets.inboxLive(send);
    const pending = tickets.ticketFor(ROOM);
    await settle();
    expect(sent).toEqual([{ type: 'ticket', requestId: expect.any(String), roomId: ROOM }]);
    // Someone else's answer (another request) is consumed but does not settle this one.
    expect(tickets.answer({ type: 'ticket', requestId: 'other', roomId: ROOM, ticket: 'wrong', expiresIn: 60 })).toBe(true);
    expect(tickets.answer({ type: 'ticket', requestId: sent[0]!.requestId, roomId: ROOM, ticket: 'from-inbox', expiresIn: 60 })).toBe(true);
    expect(await pending).toBe('from-inbox');
    expect(restAsked).toEqual([]);
  });

  it('falls back to REST when the inbox refuses, or closes before answering', async () => {
    const { tickets, restAsked, sent, send } = setup();
    tickets.inboxLive(send);
    const refused = tickets.ticketFor(ROOM);
    await settle();
    tickets.answer({ type: 'error', code: 'not_a_member', message: 'no', requestId: sent[0]!.requestId });
    expect(await refused).toBe(`rest-ticket-for-${ROOM}`);
    const cut = tickets.ticketFor(ROOM);
    await settle();
    tickets.inboxLive(null);
    expect(await cut).toBe(`rest-ticket-for-${ROOM}`);
    expect(restAsked).toEqual([ROOM, ROOM]);
  });

  it('leaves other inbox frames to the inbox', () => {
    const { tickets } = setup();
    expect(tickets.answer({ type: 'pong' })).toBe(false);
    expect(tickets.answer({ type: 'error', code: 'bad_frame', message: 'x' })).toBe(false);
    expect(tickets.answer({ type: 'rooms_changed', roomId: ROOM, change: 'added' })).toBe(false);
  });
});
