/**
 * The group call state machine in the room object, through the real Worker: start and ring,
 * join, signaling addressed to one participant (never to anyone else), the join order that
 * decides who offers (glare), a dropped participant's grace and removal, the mesh limit, busy,
 * blocked pairs, the ring limit, and the records (system lines, call log with participants).
 * "Nothing arrived" is checked behind a barrier message every socket gets after it.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { GROUP_CALL_MESH_LIMIT, offersTo, type GroupCallState } from '../protocol';
import { api, connectInbox, connectRoom } from '../../tests/support/workerd-client';
import type { TestUser } from '../../tests/support/api';

type Room = Awaited<ReturnType<typeof connectRoom>>;

const offer = { kind: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } as const;

async function barrier(from: Room, rooms: Room[], clientId: string) {
  from.send({ type: 'send', clientId, content: clientId });
  for (const r of rooms) await r.inbox.next('message', (f) => f.message.clientId === clientId);
}

async function group(names: string[]) {
  const people = [];
  for (const n of names) people.push(await api.register(n));
  const [owner, ...rest] = people;
  const roomId = await api.createGroup(owner!, 'Call group', rest);
  return { people, roomId };
}

const withIds = (call: GroupCallState) => call.participants.map((p) => p.userId).sort();
const stateWith = (n: number) => (f: { call: GroupCallState }) => f.call.status === 'active' && f.call.participants.length === n;

async function callLog(user: TestUser, roomId: string) {
  return (
    await api.json<{
      calls: { id: string; kind: string; media: string; status: string; participants?: { userId: string; status: string; durationMs: number; joinedAt: string | null }[] }[];
    }>('GET', `/api/rooms/${roomId}/calls`, undefined, user.token)
  ).calls;
}

/** Brings every pending drop deadline of the room's group call forward and runs the alarm. */
async function expireDrops(roomId: string) {
  const room = env.ROOMS.get(env.ROOMS.idFromName(roomId));
  await runInDurableObject(room, (_instance, state) => {
    const row = state.storage.sql.exec<{ data: string }>('select data from group_call').toArray()[0]!;
    const call = JSON.parse(row.data) as { participants: { dropAt: number | null }[] };
    for (const p of call.participants) if (p.dropAt !== null) p.dropAt = 1;
    state.storage.sql.exec('update group_call set data = ?', JSON.stringify(call));
  });
  await runDurableObjectAlarm(room);
}

describe('group calls', () => {
  it('starts, rings every member, routes signals only to the addressed participant, and records who joined and who missed it', async () => {
    const { people, roomId } = await group(['ann', 'ben', 'cat', 'dan']);
    const [ann, ben, cat, dan] = people as [TestUser, TestUser, TestUser, TestUser];
    const [benInbox, catInbox] = [await connectInbox(ben), await connectInbox(cat)];
    const a = await connectRoom(ann, roomId);
    const c = await connectRoom(cat, roomId);
    const callId = crypto.randomUUID();
    a.send({ type: 'group_call_join', callId, media: 'video' });
    const started = (await a.inbox.next('group_call_state')).call;
    expect(started).toMatchObject({ id: callId, status: 'active', startedBy: ann.id, limit: GROUP_CALL_MESH_LIMIT, transport: 'mesh' });
    expect(started.participants).toMatchObject([{ userId: ann.id, joinSeq: 1, camera: true, muted: false, connected: true, blocked: false }]);
    // Cat (in the room, not in the call) sees it for the "Join" banner; Ben and Cat ring.
    expect((await c.inbox.next('group_call_state')).call.id).toBe(callId);
    expect((await benInbox.inbox.next('group_call_ring')).call).toMatchObject({ id: callId, startedBy: ann.id });
    await catInbox.inbox.next('group_call_ring');
    await a.inbox.next('message', (f) => f.message.type === 'system' && f.message.content.includes('started a video call'));

    // A socket opened later hears about the call right after `ready`.
    const b = await connectRoom(ben, roomId);
    expect((await b.inbox.next('group_call_state')).call.participants).toHaveLength(1);
    b.send({ type: 'group_call_join', callId, media: 'video' });
    const two = (await a.inbox.next('group_call_state', stateWith(2))).call;
    expect(withIds(two)).toEqual([ann.id, ben.id].sort());
    expect(two.participants.find((p) => p.userId === ben.id)!.joinSeq).toBe(2);
    // Ben's other tabs stop ringing.
    expect((await benInbox.inbox.next('group_call_state')).call.participants.some((p) => p.userId === ben.id)).toBe(true);

    // Signals go to the addressed participant's call socket only.
    a.send({ type: 'group_call_signal', callId, toUserId: ben.id, signal: offer });
    expect(await b.inbox.next('group_call_signal')).toEqual({ type: 'group_call_signal', callId, fromUserId: ann.id, signal: offer });
    // Not to a member outside the call, and nobody outside may send any.
    a.send({ type: 'group_call_signal', callId, toUserId: cat.id, signal: offer });
    expect(await a.inbox.next('error')).toMatchObject({ code: 'not_found' });
    c.send({ type: 'group_call_signal', callId, toUserId: ann.id, signal: offer });
    expect(await c.inbox.next('error')).toMatchObject({ code: 'forbidden', message: 'you are not in this call' });
    await barrier(b, [a, c], 'after-signals');
    expect(c.inbox.all('group_call_signal')).toHaveLength(0);
    expect(a.inbox.all('group_call_signal')).toHaveLength(0);

    // Mute and camera state reaches everyone's view.
    b.send({ type: 'group_call_media', callId, muted: true, camera: false, screen: true });
    const benState = (await c.inbox.next('group_call_state', (f) => f.call.participants.some((p) => p.userId === ben.id && p.muted))).call;
    expect(benState.participants.find((p) => p.userId === ben.id)).toMatchObject({ muted: true, camera: false, screen: true });

    b.send({ type: 'group_call_leave', callId });
    await a.inbox.next('group_call_state', stateWith(1));
    a.send({ type: 'group_call_leave', callId });
    const ended = (await c.inbox.next('group_call_state', (f) => f.call.status === 'ended')).call;
    expect(ended.endedAt).not.toBeNull();
    await catInbox.inbox.next('group_call_state', (f) => f.call.status === 'ended');
    const endLine = await c.inbox.next('message', (f) => f.message.type === 'system' && f.message.content.startsWith('The video call ended after'));
    expect(endLine.message.content).toMatch(/ended after \d+:\d\d \(2 people joined\)$/);

    const [logged] = await callLog(dan, roomId);
    expect(logged).toMatchObject({ id: callId, kind: 'group', status: 'accepted' });
    const byUser = new Map(logged!.participants!.map((p) => [p.userId, p]));
    expect(byUser.get(ann.id)).toMatchObject({ status: 'joined' });
    expect(byUser.get(ben.id)).toMatchObject({ status: 'joined' });
    expect(byUser.get(cat.id)).toMatchObject({ status: 'missed', joinedAt: null, durationMs: 0 });
    expect(byUser.get(dan.id)).toMatchObject({ status: 'missed' });
  });

  it('logs a voice call as video once someone turns a camera on', async () => {
    const { people, roomId } = await group(['ann', 'ben', 'cat']);
    const [ann, ben] = people as [TestUser, TestUser];
    const [a, b] = [await connectRoom(ann, roomId), await connectRoom(ben, roomId)];
    const callId = crypto.randomUUID();
    a.send({ type: 'group_call_join', callId, media: 'voice' });
    await b.inbox.next('group_call_state');
    b.send({ type: 'group_call_join', callId, media: 'voice' });
    await a.inbox.next('group_call_state', stateWith(2));
    b.send({ type: 'group_call_media', callId, muted: false, camera: true, screen: false });
    expect((await a.inbox.next('group_call_state', (f) => f.call.media === 'video')).call.participants.find((p) => p.userId === ben.id)!.camera).toBe(true);
    expect((await callLog(ann, roomId)).find((c) => c.id === callId)).toMatchObject({ media: 'video' });
    // The camera off again does not make it a voice call.
    b.send({ type: 'group_call_media', callId, muted: false, camera: false, screen: false });
    await a.inbox.next('group_call_state', (f) => f.call.participants.every((p) => !p.camera));
    b.send({ type: 'group_call_leave', callId });
    a.send({ type: 'group_call_leave', callId });
    await a.inbox.next('message', (f) => f.message.type === 'system' && f.message.content.startsWith('The video call ended'));
    expect((await callLog(ben, roomId)).find((c) => c.id === callId)).toMatchObject({ media: 'video', status: 'accepted' });
  });

  it('gives joins distinct seqs one at a time, so exactly one side of each pair offers (glare rule)', async () => {
    const { people, roomId } = await group(['ann', 'ben', 'cat']);
    const [ann, ben, cat] = people as [TestUser, TestUser, TestUser];
    const [a, b, c] = [await connectRoom(ann, roomId), await connectRoom(ben, roomId), await connectRoom(cat, roomId)];
    const callId = crypto.randomUUID();
    a.send({ type: 'group_call_join', callId, media: 'voice' });
    await b.inbox.next('group_call_state');
    // Ben and Cat join at the same moment.
    b.send({ type: 'group_call_join', callId, media: 'voice' });
    c.send({ type: 'group_call_join', callId, media: 'voice' });
    const all = (await a.inbox.next('group_call_state', stateWith(3))).call.participants;
    const seqs = all.map((p) => p.joinSeq).sort();
    expect(seqs).toEqual([1, 2, 3]);
    for (const x of all) {
      for (const y of all) {
        if (x !== y) expect(offersTo(x, y)).toBe(!offersTo(y, x));
      }
    }
    // The later joiner offers to everyone already in.
    const latest = all.reduce((m, p) => (p.joinSeq > m.joinSeq ? p : m));
    expect(all.filter((p) => p !== latest).every((p) => offersTo(latest, p))).toBe(true);
    // The tie-break is by user id (seqs are never equal, but the rule is total).
    expect(offersTo({ userId: 'b', joinSeq: 5 }, { userId: 'a', joinSeq: 5 })).toBe(true);
  });

  it('keeps a dropped participant for a grace, takes them back on rejoin, and drops them when it passes', async () => {
    const { people, roomId } = await group(['ann', 'ben', 'cat']);
    const [ann, ben] = people as [TestUser, TestUser];
    const a = await connectRoom(ann, roomId);
    const b1 = await connectRoom(ben, roomId);
    const callId = crypto.randomUUID();
    a.send({ type: 'group_call_join', callId, media: 'voice' });
    await b1.inbox.next('group_call_state');
    b1.send({ type: 'group_call_join', callId, media: 'voice' });
    await a.inbox.next('group_call_state', stateWith(2));

    b1.ws.close(1000, 'network gone');
    const dropped = await a.inbox.next('group_call_state', (f) => f.call.participants.some((p) => p.userId === ben.id && !p.connected));
    expect(dropped.call.participants).toHaveLength(2);
    // Back within the grace on a new socket: same place in the join order, signals reach the new socket.
    const b2 = await connectRoom(ben, roomId);
    b2.send({ type: 'group_call_join', callId, media: 'voice' });
    const back = (await a.inbox.next('group_call_state', (f) => stateWith(2)(f) && f.call.participants.every((p) => p.connected))).call;
    expect(back.participants.find((p) => p.userId === ben.id)!.joinSeq).toBe(2);
    a.send({ type: 'group_call_signal', callId, toUserId: ben.id, signal: offer });
    expect((await b2.inbox.next('group_call_signal')).fromUserId).toBe(ann.id);

    // Gone for good this time: after the grace Ben is out (and free for other calls).
    b2.ws.close(1000, 'network gone');
    await a.inbox.next('group_call_state', (f) => f.call.participants.some((p) => p.userId === ben.id && !p.connected));
    await expireDrops(roomId);
    const after = (await a.inbox.next('group_call_state', stateWith(1))).call;
    expect(withIds(after)).toEqual([ann.id]);
  });

  it('refuses a fifth person (call_full), a second call in the room, and someone already in another call (busy)', async () => {
    const { people, roomId } = await group(['ann', 'ben', 'cat', 'dan', 'eve']);
    const [ann, ben, cat, dan, eve] = people as [TestUser, TestUser, TestUser, TestUser, TestUser];
    const rooms = [];
    for (const p of people) rooms.push(await connectRoom(p, roomId));
    const [a, b, c, d, e] = rooms as [Room, Room, Room, Room, Room];
    const callId = crypto.randomUUID();
    a.send({ type: 'group_call_join', callId, media: 'voice' });
    await e.inbox.next('group_call_state');
    // A second call in the same room is refused; the one in progress is named.
    e.send({ type: 'group_call_join', callId: crypto.randomUUID(), media: 'voice' });
    expect(await e.inbox.next('error')).toMatchObject({ code: 'busy' });
    for (const r of [b, c, d]) r.send({ type: 'group_call_join', callId, media: 'voice' });
    await a.inbox.next('group_call_state', stateWith(4));
    e.send({ type: 'group_call_join', callId, media: 'voice' });
    expect(await e.inbox.next('error')).toMatchObject({ code: 'call_full', message: expect.stringContaining(`at most ${GROUP_CALL_MESH_LIMIT}`) });

    // Eve takes a 1-to-1 call with Fay; then Dan leaves, and Eve, busy, still cannot join.
    const fay = await api.register('fay');
    const dm = await api.openDirect(eve, fay);
    const eDm = await connectRoom(eve, dm);
    const fDm = await connectRoom(fay, dm);
    const direct = crypto.randomUUID();
    eDm.send({ type: 'call_start', callId: direct, media: 'voice' });
    await fDm.inbox.next('call_state');
    fDm.send({ type: 'call_accept', callId: direct });
    await eDm.inbox.next('call_state', (f) => f.call.status === 'accepted');
    d.send({ type: 'group_call_leave', callId });
    await a.inbox.next('group_call_state', stateWith(3));
    e.send({ type: 'group_call_join', callId, media: 'voice' });
    expect(await e.inbox.next('error', (f) => f.code === 'busy')).toMatchObject({ message: 'you are already in a call' });
    // And someone in the group call is busy for a 1-to-1 call.
    const benDm = await api.openDirect(fay, ben);
    const fBen = await connectRoom(fay, benDm);
    eDm.send({ type: 'call_hangup', callId: direct });
    await fDm.inbox.next('call_state', (f) => f.call.status === 'ended');
    const toBen = crypto.randomUUID();
    fBen.send({ type: 'call_start', callId: toBen, media: 'voice' });
    expect((await fBen.inbox.next('call_state', (f) => f.call.id === toBen)).call.status).toBe('busy');
    void ann;
    void cat;
    void dan;
  });

  it('lets a blocked pair both be in the call, each seeing the other as blocked, and never relays between them', async () => {
    const { people, roomId } = await group(['ann', 'ben', 'cat']);
    const [ann, ben, cat] = people as [TestUser, TestUser, TestUser];
    expect((await api.request('PUT', `/api/blocks/${ben.username}`, undefined, ann.token)).status).toBe(204);
    const benInbox = await connectInbox(ben);
    const [a, b, c] = [await connectRoom(ann, roomId), await connectRoom(ben, roomId), await connectRoom(cat, roomId)];
    const callId = crypto.randomUUID();
    a.send({ type: 'group_call_join', callId, media: 'video' });
    await c.inbox.next('group_call_state');
    b.send({ type: 'group_call_join', callId, media: 'video' });
    c.send({ type: 'group_call_join', callId, media: 'video' });
    const annView = (await a.inbox.next('group_call_state', stateWith(3))).call.participants;
    const benView = (await b.inbox.next('group_call_state', stateWith(3))).call.participants;
    const catView = (await c.inbox.next('group_call_state', stateWith(3))).call.participants;
    expect(annView.find((p) => p.userId === ben.id)!.blocked).toBe(true);
    expect(benView.find((p) => p.userId === ann.id)!.blocked).toBe(true);
    expect(catView.every((p) => !p.blocked)).toBe(true);
    a.send({ type: 'group_call_signal', callId, toUserId: ben.id, signal: offer });
    expect(await a.inbox.next('error')).toMatchObject({ code: 'forbidden' });
    b.send({ type: 'group_call_signal', callId, toUserId: ann.id, signal: offer });
    expect(await b.inbox.next('error')).toMatchObject({ code: 'forbidden' });
    // Cat signals both.
    c.send({ type: 'group_call_signal', callId, toUserId: ann.id, signal: offer });
    c.send({ type: 'group_call_signal', callId, toUserId: ben.id, signal: offer });
    expect((await a.inbox.next('group_call_signal')).fromUserId).toBe(cat.id);
    expect((await b.inbox.next('group_call_signal')).fromUserId).toBe(cat.id);
    await barrier(c, [a, b], 'after-block-signals');
    expect(a.inbox.all('group_call_signal').map((f) => f.fromUserId)).toEqual([cat.id]);
    expect(b.inbox.all('group_call_signal').map((f) => f.fromUserId)).toEqual([cat.id]);
    // Ann's call never rang Ben, who blocked nobody but is blocked by her.
    expect(benInbox.inbox.all('group_call_ring')).toHaveLength(0);
  });

  it('logs no "missed" for a member the call never rang (blocked by its starter): it is not in their calls', async () => {
    const { people, roomId } = await group(['ann', 'ben', 'cat']);
    const [ann, ben, cat] = people as [TestUser, TestUser, TestUser];
    expect((await api.request('PUT', `/api/blocks/${ben.username}`, undefined, ann.token)).status).toBe(204);
    const [a, c] = [await connectRoom(ann, roomId), await connectRoom(cat, roomId)];
    const callId = crypto.randomUUID();
    a.send({ type: 'group_call_join', callId, media: 'voice' });
    await c.inbox.next('group_call_state');
    c.send({ type: 'group_call_join', callId, media: 'voice' });
    await a.inbox.next('group_call_state', stateWith(2));
    c.send({ type: 'group_call_leave', callId });
    a.send({ type: 'group_call_leave', callId });
    await a.inbox.next('group_call_state', (f) => f.call.id === callId && f.call.status === 'ended');
    const logged = (await callLog(cat, roomId)).find((x) => x.id === callId)!;
    expect(logged.participants!.map((p) => p.userId).sort()).toEqual([ann.id, cat.id].sort());
    const mine = (u: TestUser) => api.json<{ calls: { id: string }[] }>('GET', '/api/calls', undefined, u.token);
    expect((await mine(ben)).calls.map((x) => x.id)).not.toContain(callId);
    expect((await mine(cat)).calls.map((x) => x.id)).toContain(callId);
  });

  it('limits how often a group is rung, and keeps group calls out of 1-to-1 conversations', async () => {
    const { people, roomId } = await group(['ann', 'ben']);
    const [ann, ben] = people as [TestUser, TestUser];
    const a = await connectRoom(ann, roomId);
    let limited: { code: string; retryAfterMs?: number } | undefined;
    for (let i = 0; i < 10 && !limited; i++) {
      const callId = crypto.randomUUID();
      a.send({ type: 'group_call_join', callId, media: 'voice' });
      const outcome = await a.inbox.nextOf(['group_call_state', 'error']);
      if (outcome.type === 'error') limited = outcome;
      else {
        a.send({ type: 'group_call_leave', callId });
        await a.inbox.next('group_call_state', (f) => f.call.id === callId && f.call.status === 'ended');
      }
    }
    expect(limited).toMatchObject({ code: 'rate_limited' });
    expect(limited!.retryAfterMs).toBeGreaterThan(0);
    // A call nobody joined is "missed" in the log.
    expect((await callLog(ann, roomId))[0]).toMatchObject({ kind: 'group', status: 'missed' });

    const dm = await api.openDirect(ann, ben);
    const d = await connectRoom(ann, dm);
    d.send({ type: 'group_call_join', callId: crypto.randomUUID(), media: 'voice' });
    expect(await d.inbox.next('error')).toMatchObject({ code: 'forbidden' });
  });
});
