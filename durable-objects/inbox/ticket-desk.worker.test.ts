/**
 * Room tickets over the inbox socket (the `ticket` frame): the same single-use ticket the
 * REST route mints, for members only, and refused at the upgrade once the session ended.
 */
import { describe, expect, it } from 'vitest';
import { api, connectInbox, connectRoom, inboxTicket, upgrade } from '../../tests/support/workerd-client';
import { CLOSE_CODES } from '../protocol';
import { parseRateSpec } from '../rate-limit/token-bucket';
import { DEFAULT_INBOX_TICKET_RATE } from './ticket-desk';

const INBOX_TICKET_RATE = parseRateSpec('INBOX_TICKET_RATE_LIMIT', DEFAULT_INBOX_TICKET_RATE);

async function ticketOf(answer: Awaited<ReturnType<typeof inboxTicket>>): Promise<string> {
  if (answer.type !== 'ticket') throw new Error(`no ticket: ${answer.code} ${answer.message}`);
  return answer.ticket;
}

describe('tickets minted over the inbox socket', () => {
  it('opens the room it names, once', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const roomId = await api.openDirect(ann, ben);
    const inbox = await connectInbox(ann);
    const answer = await inboxTicket(inbox, roomId);
    expect(answer).toMatchObject({ type: 'ticket', roomId, expiresIn: 60 });
    const path = `/ws/rooms/${roomId}?ticket=${await ticketOf(answer)}`;
    const res = await upgrade(path);
    expect(res.status).toBe(101);
    res.webSocket!.accept();
    res.webSocket!.close(1000);
    const again = await upgrade(path);
    expect(again.status).toBe(401);
    expect(await again.json()).toEqual({ error: { code: 'unauthorized', message: 'ticket already used' } });
    // Bound to that room: another room's upgrade refuses it.
    const otherRoom = await api.openDirect(ann, await api.register('cat'));
    const second = await ticketOf(await inboxTicket(inbox, roomId));
    expect((await upgrade(`/ws/rooms/${otherRoom}?ticket=${second}`)).status).toBe(401);
    inbox.ws.close(1000);
  });

  it('refuses a room the user is not in, and the socket stays usable', async () => {
    const [ann, ben, cat] = [await api.register('ann'), await api.register('ben'), await api.register('cat')];
    const theirs = await api.openDirect(ben, cat);
    const mine = await api.openDirect(ann, ben);
    const inbox = await connectInbox(ann);
    expect(await inboxTicket(inbox, theirs)).toMatchObject({ type: 'error', code: 'not_a_member' });
    // A room id that names no room at all is no different.
    expect(await inboxTicket(inbox, crypto.randomUUID())).toMatchObject({ type: 'error', code: 'not_a_member' });
    // A malformed request is an error naming it, not a closed socket.
    inbox.ws.send(JSON.stringify({ type: 'ticket', requestId: 'bad-room', roomId: 'not-a-uuid' }));
    expect(await inbox.inbox.next('error', (f) => f.requestId === 'bad-room')).toMatchObject({ code: 'bad_frame' });
    inbox.ws.send('not json');
    expect(await inbox.inbox.next('error', (f) => f.code === 'bad_json')).toMatchObject({ type: 'error' });
    expect((await inboxTicket(inbox, mine)).type).toBe('ticket');
    inbox.ws.close(1000);
  });

  it('refuses at the upgrade a ticket minted before the session ended, and the inbox socket closes', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const roomId = await api.openDirect(ann, ben);
    (await connectRoom(ann, roomId)).ws.close(1000);
    const inbox = await connectInbox(ann);
    const ticket = await ticketOf(await inboxTicket(inbox, roomId));
    expect((await api.request('POST', '/api/auth/logout', undefined, undefined, ann.cookie)).status).toBe(204);
    const res = await upgrade(`/ws/rooms/${roomId}?ticket=${ticket}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: 'session ended; sign in again' } });
    // No socket of the ended session is left to ask for another.
    await expect(inbox.inbox.next('ticket', undefined, 30_000)).rejects.toThrow(`closed ${CLOSE_CODES.sessionEnded}`);
  });

  it('limits how many tickets one inbox mints in a burst', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const roomId = await api.openDirect(ann, ben);
    const inbox = await connectInbox(ann);
    const answers = await Promise.all(Array.from({ length: INBOX_TICKET_RATE.burst + 20 }, () => inboxTicket(inbox, roomId)));
    const limited = answers.filter((a) => a.type === 'error' && a.code === 'rate_limited');
    // The bucket refills while the requests run: at least the excess over the burst and its refill is refused.
    expect(answers.filter((a) => a.type === 'ticket').length).toBeGreaterThanOrEqual(INBOX_TICKET_RATE.burst);
    expect(limited.length).toBeGreaterThan(0);
    inbox.ws.close(1000);
  });
});
