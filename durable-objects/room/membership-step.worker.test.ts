/**
 * A membership change reaches the room with the change itself: the room applies
 * it, posts its line, closes the removed member's sockets and sends `members` in
 * one synchronous step, without its own database, so no frame of a removed
 * member is taken after the line and none reaches them.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { CLOSE_CODES, type ServerFrame } from '../protocol';
import { api, connectRoom } from '../../tests/support/workerd-client';
import type { ChatRoom } from './chat-room';

/** What the test reaches inside the room: its member state, its sockets and its database. */
interface RoomInside {
  local: { isMember(userId: string): boolean };
  sockets: { broadcast(frame: ServerFrame, except?: WebSocket): void };
  database: { run: (...args: unknown[]) => Promise<unknown> };
}

describe('membership changes', () => {
  it('change the room’s members in the same step as their line, with its database unreachable', async () => {
    const [ann, ben, cat] = [await api.register('ann'), await api.register('ben'), await api.register('cat')];
    const roomId = await api.createGroup(ann, 'Step', [ben, cat]);
    const a = await connectRoom(ann, roomId);
    const b = await connectRoom(ben, roomId);
    a.send({ type: 'send', clientId: 'before', content: 'before' });
    await b.inbox.next('message');

    const stub = env.ROOMS.get(env.ROOMS.idFromName(roomId)) as DurableObjectStub<ChatRoom>;
    const seen: { type: string; seq?: number; benIsMember: boolean; sameStep: boolean }[] = [];
    await runInDurableObject(stub, (instance) => {
      const room = instance as unknown as RoomInside;
      // Postgres as the room sees it from now on: a call that never answers.
      room.database.run = () => new Promise(() => {});
      const broadcast = room.sockets.broadcast.bind(room.sockets);
      let step = 0;
      let lastStepSeen = -1;
      room.sockets.broadcast = (frame, except) => {
        // A microtask queued at each broadcast runs at the end of the synchronous step it belongs to.
        const sameStep = step === lastStepSeen;
        queueMicrotask(() => (step += 1));
        lastStepSeen = step;
        seen.push({
          type: frame.type,
          seq: frame.type === 'message' ? frame.message.seq : undefined,
          benIsMember: room.local.isMember(ben.id),
          sameStep,
        });
        broadcast(frame, except);
      };
    });

    // Through the real route: the Worker changes Postgres, then hands the room the change.
    const res = await api.request('DELETE', `/api/groups/${roomId}/members/${ben.id}`, undefined, ann.token);
    expect(res.status).toBe(200);

    const line = seen.find((e) => e.type === 'message')!;
    const lineAt = seen.indexOf(line);
    // The member was gone when the line went out, and `members` followed in the same step.
    expect(line.benIsMember).toBe(false);
    expect(seen[lineAt + 1]).toMatchObject({ type: 'members', benIsMember: false, sameStep: true });

    const removal = await a.inbox.next('message', (f) => f.message.type === 'system');
    expect(removal.message.seq).toBe(line.seq);
    expect(removal.message.content).toContain(`removed <@${ben.id}|`);
    expect((await a.inbox.next('members')).members.map((m) => m.userId).sort()).toEqual([ann.id, cat.id].sort());
    // Ben saw the line at most, then the refusal and the close: nothing later.
    expect(await b.inbox.next('error')).toMatchObject({ code: 'not_a_member' });
    expect((await b.inbox.waitClosed()).code).toBe(CLOSE_CODES.notAMember);
    expect(b.inbox.all('message').every((f) => f.message.seq <= line.seq!)).toBe(true);
  });
});
