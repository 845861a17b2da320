/**
 * GET /api/calls, my calls across chats (the Calls screen), against `wrangler dev` and
 * PostgreSQL: each call as I saw it (direction, outcome, duration), newest first, paged by an
 * opaque cursor that never skips or repeats a call; only calls I made, was rung for or joined,
 * of rooms I was a member of at the time (a group call in progress to every member it rang); a bad cursor is a 400 in JSON.
 */
import { describe, expect, it } from 'vitest';
import type { TestUser } from '../support/api';
import { connectAs, e2eApi, expectError } from '../support/e2e';
import { answeredCall, declinedCall, unansweredCall } from '../support/call-steps';

const api = e2eApi();

interface Entry {
  id: string;
  roomId: string;
  kind: string;
  media: string;
  direction: string;
  outcome: string;
  durationMs: number | null;
  room: { name: string | null; secret: boolean };
  peer: { id: string; displayName: string } | null;
  joined: number | null;
}
type Page = { calls: Entry[]; nextCursor: string | null };

const page = (u: TestUser, query = '') => api.json<Page>('GET', `/api/calls${query}`, undefined, u.token);

async function everything(u: TestUser, limit: number): Promise<Entry[]> {
  const all: Entry[] = [];
  let cursor: string | null = null;
  do {
    const next: Page = await page(u, `?limit=${limit}${cursor ? `&before=${encodeURIComponent(cursor)}` : ''}`);
    expect(next.calls.length).toBeLessThanOrEqual(limit);
    all.push(...next.calls);
    cursor = next.nextCursor;
  } while (cursor);
  return all;
}

describe('my calls (GET /api/calls)', () => {
  it('lists direct and group calls as each person saw them, paged, to the people in them only', async () => {
    const [ann, ben, cat, dan] = [await api.register('ann'), await api.register('ben'), await api.register('cat'), await api.register('dan')];
    const direct = await api.openDirect(ann, ben);
    const a = await connectAs(api, ann, direct);
    const b = await connectAs(api, ben, direct);
    // Ann gives up while it rings (missed for Ben); Ben declines a video call; Ben calls back and Ann answers.
    const missed = await unansweredCall(a, b, 'voice');
    const declined = await declinedCall(a, b, 'video');
    const answered = await answeredCall(b, a, 'voice');
    const ids = [missed, declined, answered];

    // A group call of Ann, Ben and Cat that Ann starts and nobody joins; Dan joins the group after it.
    const group = await api.createGroup(ann, 'Call history club', [ben, cat]);
    const g = await connectAs(api, ann, group);
    const groupCall = crypto.randomUUID();
    g.send({ type: 'group_call_join', callId: groupCall, media: 'video' });
    await g.inbox.next('group_call_state', (f) => f.call.id === groupCall && f.call.status === 'active');
    g.send({ type: 'group_call_leave', callId: groupCall });
    await g.inbox.next('group_call_state', (f) => f.call.id === groupCall && f.call.status === 'ended');
    ids.push(groupCall);
    await api.json('POST', `/api/groups/${group}/members`, { username: dan.username }, ann.token);

    const annCalls = await everything(ann, 2);
    expect(annCalls.map((c) => c.id)).toEqual([...ids].reverse());
    const byId = (list: Entry[], id: string) => list.find((c) => c.id === id);
    expect(byId(annCalls, missed)).toMatchObject({ kind: 'direct', media: 'voice', direction: 'outgoing', outcome: 'no_answer', durationMs: null, peer: { id: ben.id }, joined: null });
    expect(byId(annCalls, declined)).toMatchObject({ media: 'video', direction: 'outgoing', outcome: 'declined' });
    expect(byId(annCalls, answered)).toMatchObject({ direction: 'incoming', outcome: 'completed', durationMs: expect.any(Number) });
    expect(byId(annCalls, groupCall)).toMatchObject({ kind: 'group', media: 'video', direction: 'outgoing', outcome: 'no_answer', peer: null, room: { name: 'Call history club' }, joined: 1 });

    const benCalls = await everything(ben, 100);
    expect(byId(benCalls, missed)).toMatchObject({ direction: 'incoming', outcome: 'missed', peer: { id: ann.id } });
    expect(byId(benCalls, answered)).toMatchObject({ direction: 'outgoing', outcome: 'completed' });
    // Ben was rung for the group call: the log is written when it ends.
    await expect.poll(async () => byId(await everything(ben, 100), groupCall)?.outcome, { timeout: 20_000, interval: 250 }).toBe('missed');
    expect((await everything(cat, 100)).map((c) => c.id)).toEqual([groupCall]);
    // Dan joined the group after the call; nobody else sees a call of a room they are not in.
    expect((await page(dan)).calls).toEqual([]);
    const stranger = await api.register('eve');
    expect(await page(stranger)).toEqual({ calls: [], nextCursor: null });
    await Promise.all([a.close(), b.close(), g.close()]);
  });

  it('shows a group call in progress to every member it rang, not only to its starter', async () => {
    const [ann, ben, cat, dan] = [await api.register('ann'), await api.register('ben'), await api.register('cat'), await api.register('dan')];
    const group = await api.createGroup(ann, 'Ongoing club', [ben, cat, dan]);
    // Dan blocked Ann: her call does not ring him, so it is not in his Calls screen either.
    expect((await api.request('PUT', `/api/blocks/${ann.username}`, undefined, dan.token)).status).toBe(204);
    const g = await connectAs(api, ann, group);
    const callId = crypto.randomUUID();
    g.send({ type: 'group_call_join', callId, media: 'voice' });
    await g.inbox.next('group_call_state', (f) => f.call.id === callId && f.call.status === 'active');
    for (const member of [ben, cat]) {
      expect((await page(member)).calls).toEqual([
        expect.objectContaining({ id: callId, roomId: group, kind: 'group', direction: 'incoming', outcome: 'ongoing', room: { name: 'Ongoing club', secret: false } }),
      ]);
    }
    expect((await page(ann)).calls).toEqual([expect.objectContaining({ id: callId, direction: 'outgoing', outcome: 'ongoing' })]);
    expect((await page(dan)).calls).toEqual([]);
    g.send({ type: 'group_call_leave', callId });
    await g.inbox.next('group_call_state', (f) => f.call.id === callId && f.call.status === 'ended');
    await expect.poll(async () => (await page(ben)).calls[0]?.outcome, { timeout: 20_000, interval: 250 }).toBe('missed');
    expect((await page(dan)).calls).toEqual([]);
    await g.close();
  });

  it('refuses a cursor it did not give out, and an anonymous caller, in JSON', async () => {
    const ann = await api.register('ann');
    for (const before of ['yesterday', '123', `1.${'x'.repeat(36)}`, `99999999999999999999.${crypto.randomUUID()}`]) {
      await expectError(await api.request('GET', `/api/calls?before=${encodeURIComponent(before)}`, undefined, ann.token), 400);
    }
    await expectError(await api.request('GET', '/api/calls?limit=0', undefined, ann.token), 400);
    await expectError(await api.request('GET', '/api/calls'), 401);
  });
});
