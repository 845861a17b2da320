/**
 * Used tickets and ended sessions are answered from memory, so an open reads no
 * storage; storage is the copy the next wake loads. A used ticket reaches it just
 * after the open has been answered, an ended session in the same step.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { decodeJwt } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { api, upgrade } from '../../tests/support/workerd-client';
import { UsedTickets } from './used-tickets';

function roomStub(name: string) {
  return env.ROOMS.get(env.ROOMS.idFromName(name));
}

describe('used tickets and ended sessions', () => {
  it('writes a used ticket after the open is answered, and a later wake still refuses it', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const roomId = await api.openDirect(ann, ben);
    const ticket = await api.ticket(ann, roomId);
    const res = await upgrade(`/ws/rooms/${roomId}?ticket=${ticket}`);
    expect(res.status).toBe(101);
    res.webSocket!.accept();
    const ticketId = decodeJwt(ticket).jti!;
    await runInDurableObject(roomStub(roomId), async (_room, state) => {
      const stored = () => state.storage.sql.exec('select count(*) as n from used_tickets where ticket_id = ?', ticketId).one().n;
      await vi.waitFor(() => expect(stored()).toBe(1));
      // What the object would know after a restart: only what storage holds.
      const afterWake = UsedTickets.of(state.storage.sql, env);
      expect(afterWake.admit({ sessionId: crypto.randomUUID(), ticketId, ticketExpiresAt: Date.now() + 60_000 })).toBe('ticket_used');
    });
    res.webSocket!.close(1000);
  });

  it('answers from memory, writes an ended session in the same step and loads both on wake', async () => {
    await runInDurableObject(roomStub(`tickets-${crypto.randomUUID()}`), async (_room, state) => {
      const sql = state.storage.sql;
      const tickets = UsedTickets.of(sql, env);
      const [ended, live] = [crypto.randomUUID(), crypto.randomUUID()];
      tickets.endSession(ended);
      expect(sql.exec('select count(*) as n from ended_sessions where session_id = ?', ended).one().n).toBe(1);
      expect(tickets.admit({ sessionId: ended })).toBe('session_ended');

      const expiresAt = Date.now() + 60_000;
      expect(tickets.admit({ sessionId: live, ticketId: 'first', ticketExpiresAt: expiresAt })).toBe('ok');
      // Refused from memory before storage has it.
      expect(sql.exec("select count(*) as n from used_tickets where ticket_id = 'first'").one().n).toBe(0);
      expect(tickets.admit({ sessionId: live, ticketId: 'first', ticketExpiresAt: expiresAt })).toBe('ticket_used');
      await vi.waitFor(() => expect(sql.exec("select count(*) as n from used_tickets where ticket_id = 'first'").one().n).toBe(1));

      const afterWake = UsedTickets.of(sql, env);
      expect(afterWake.remembersEnded(ended)).toBe(true);
      expect(afterWake.remembersEnded(live)).toBe(false);
      expect(afterWake.admit({ sessionId: live, ticketId: 'first', ticketExpiresAt: expiresAt })).toBe('ticket_used');
      expect(afterWake.admit({ sessionId: live, ticketId: 'second', ticketExpiresAt: expiresAt })).toBe('ok');
      // Forgotten once its memory has run out.
      expect(afterWake.remembersEnded(ended, Date.now() + 24 * 60 * 60_000)).toBe(false);
    });
  });
});
