/** Call signaling in the room object: ringing, relaying, outcomes and the call log. */
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { callRecordSchema } from '../protocol';
import { api, connectInbox, connectRoom, upgrade } from '../../tests/support/workerd-client';
import type { TestUser } from '../../tests/support/api';
import { TEST_TURN_SECRET } from '../../scripts/lib/test-settings';

const offer = { kind: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } as const;
const answer = { kind: 'answer', sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n' } as const;

async function dm() {
  const [ann, ben] = [await api.register('ann'), await api.register('ben')];
  const roomId = await api.openDirect(ann, ben);
  return { ann, ben, roomId };
}

async function callLog(user: TestUser, roomId: string) {
  return (await api.json<{ calls: { id: string; media: string; status: string; startedAt: string | null; endedAt: string | null }[] }>(
    'GET',
    `/api/rooms/${roomId}/calls`,
    undefined,
    user.token,
  )).calls;
}

async function timelineRecord(user: TestUser, roomId: string) {
  const history = await api.json<{ messages: { type: string; content: string }[] }>(
    'GET',
    `/api/rooms/${roomId}/messages`,
    undefined,
    user.token,
  );
  const record = history.messages.find((m) => m.type === 'call');
  return record && callRecordSchema.parse(JSON.parse(record.content));
}

describe('calls', () => {
  it('rings the callee anywhere in the app, relays signaling between the two, and logs the call', async () => {
    const { ann, ben, roomId } = await dm();
    const a = await connectRoom(ann, roomId);
    const benInbox = await connectInbox(ben);
    const callId = crypto.randomUUID();
    a.send({ type: 'call_start', callId, media: 'video' });
    const ringing = await benInbox.inbox.next('incoming_call');
    expect(ringing.call).toMatchObject({ id: callId, callerId: ann.id, calleeId: ben.id, media: 'video', status: 'ringing' });

    const b = await connectRoom(ben, roomId);
    const bOtherTab = await connectRoom(ben, roomId);
    b.send({ type: 'call_accept', callId });
    const accepted = await a.inbox.next('call_state', (f) => f.call.status === 'accepted');
    expect(accepted.call.startedAt).not.toBeNull();
    expect((await benInbox.inbox.next('call_state', (f) => f.call.status === 'accepted')).call.id).toBe(callId);

    a.send({ type: 'call_signal', callId, signal: offer });
    expect(await b.inbox.next('call_signal')).toEqual({ type: 'call_signal', callId, fromUserId: ann.id, signal: offer });
    b.send({ type: 'call_signal', callId, signal: answer });
    expect((await a.inbox.next('call_signal')).signal).toEqual(answer);
    const ice = { kind: 'ice', candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 } };
    b.send({ type: 'call_signal', callId, signal: ice });
    expect((await a.inbox.next('call_signal')).signal).toEqual(ice);
    // Signaling reaches only the socket that accepted, not the callee's other tabs.
    expect(await bOtherTab.inbox.none('call_signal')).toHaveLength(0);

    a.send({ type: 'call_hangup', callId });
    const ended = await b.inbox.next('call_state', (f) => f.call.status === 'ended');
    expect(ended.call.endedAt).not.toBeNull();
    const [logged] = await callLog(ben, roomId);
    expect(logged).toMatchObject({ id: callId, status: 'accepted' });
    expect(Date.parse(logged!.endedAt!)).toBeGreaterThanOrEqual(Date.parse(logged!.startedAt!));
    await a.inbox.next('message', (f) => f.message.type === 'call');
    expect(await timelineRecord(ann, roomId)).toMatchObject({ callId, media: 'video', status: 'accepted' });
  });

  it('records a rejected call and refuses signaling before acceptance', async () => {
    const { ann, ben, roomId } = await dm();
    const a = await connectRoom(ann, roomId);
    const b = await connectRoom(ben, roomId);
    const callId = crypto.randomUUID();
    a.send({ type: 'call_start', callId, media: 'voice' });
    await b.inbox.next('call_state');
    a.send({ type: 'call_signal', callId, signal: offer });
    expect(await a.inbox.next('error')).toMatchObject({ code: 'forbidden' });
    a.send({ type: 'call_accept', callId });
    expect(await a.inbox.next('error')).toMatchObject({ code: 'forbidden', message: 'only the callee can do that' });
    b.send({ type: 'call_reject', callId });
    expect((await a.inbox.next('call_state', (f) => f.call.status === 'rejected')).call.startedAt).toBeNull();
    await a.inbox.next('message', (f) => f.message.type === 'call');
    expect((await callLog(ann, roomId))[0]).toMatchObject({ id: callId, status: 'rejected', startedAt: null });
    expect(await timelineRecord(ben, roomId)).toMatchObject({ status: 'rejected', durationMs: null });
  });

  it('logs a voice call someone turned their camera on in as a video call', async () => {
    const { ann, ben, roomId } = await dm();
    const a = await connectRoom(ann, roomId);
    const b = await connectRoom(ben, roomId);
    const callId = crypto.randomUUID();
    a.send({ type: 'call_start', callId, media: 'voice' });
    await b.inbox.next('call_state', (f) => f.call.status === 'ringing');
    // Not before it is answered.
    a.send({ type: 'call_video', callId });
    expect(await a.inbox.next('error')).toMatchObject({ code: 'forbidden' });
    b.send({ type: 'call_accept', callId });
    await a.inbox.next('call_state', (f) => f.call.status === 'accepted');
    // The callee turns video on: both sides' state says video, and so does the log at once.
    b.send({ type: 'call_video', callId });
    expect((await a.inbox.next('call_state', (f) => f.call.media === 'video')).call).toMatchObject({ id: callId, status: 'accepted' });
    expect((await callLog(ann, roomId))[0]).toMatchObject({ id: callId, media: 'video', status: 'accepted' });
    a.send({ type: 'call_hangup', callId });
    await b.inbox.next('call_state', (f) => f.call.status === 'ended');
    await a.inbox.next('message', (f) => f.message.type === 'call');
    expect((await callLog(ben, roomId))[0]).toMatchObject({ id: callId, media: 'video', status: 'accepted' });
    expect(await timelineRecord(ann, roomId)).toMatchObject({ callId, media: 'video', status: 'accepted' });
  });

  it('keeps call records the server’s: no pre-empting them, no editing or deleting them', async () => {
    const { ann, ben, roomId } = await dm();
    const a = await connectRoom(ann, roomId);
    const b = await connectRoom(ben, roomId);
    const callId = crypto.randomUUID();
    // The old record key, sent first as a text: it is just a text now.
    a.send({ type: 'send', clientId: `call-${callId}`, content: '{"callId":"x","media":"voice","status":"accepted","durationMs":1}' });
    await a.inbox.next('ack');
    a.send({ type: 'call_start', callId, media: 'voice' });
    await b.inbox.next('call_state');
    b.send({ type: 'call_reject', callId });
    const record = (await b.inbox.next('message', (f) => f.message.type === 'call')).message;
    expect(callRecordSchema.parse(JSON.parse(record.content))).toMatchObject({ callId, status: 'rejected' });
    a.send({ type: 'edit', seq: record.seq, content: 'accepted, 2 hours' });
    expect(await a.inbox.next('error')).toMatchObject({ code: 'forbidden', message: 'call records and system lines cannot be changed' });
    a.send({ type: 'delete', seq: record.seq });
    expect(await a.inbox.next('error')).toMatchObject({ code: 'forbidden' });
    expect(await b.inbox.none('updated')).toHaveLength(0);
  });

  it('records an unanswered call as missed when it rings out', async () => {
    const { ann, ben, roomId } = await dm();
    const a = await connectRoom(ann, roomId);
    const callId = crypto.randomUUID();
    a.send({ type: 'call_start', callId, media: 'voice' });
    await a.inbox.next('call_state');
    const room = env.ROOMS.get(env.ROOMS.idFromName(roomId));
    // Bring the ring deadline forward instead of waiting CALL_RING_TIMEOUT_MS.
    await runInDurableObject(room, (_instance, state) => {
      state.storage.sql.exec(`update active_call set data = json_set(data, '$.deadline', 1)`);
    });
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect((await a.inbox.next('call_state', (f) => f.call.status === 'missed')).call.id).toBe(callId);
    expect((await callLog(ben, roomId))[0]).toMatchObject({ id: callId, status: 'missed' });
  });

  it('answers "busy" when the callee is already in a call elsewhere', async () => {
    const { ann, ben, roomId } = await dm();
    const cat = await api.register('cat');
    const catRoom = await api.openDirect(cat, ben);
    const a = await connectRoom(ann, roomId);
    const b = await connectRoom(ben, roomId);
    const first = crypto.randomUUID();
    a.send({ type: 'call_start', callId: first, media: 'voice' });
    await b.inbox.next('call_state');
    b.send({ type: 'call_accept', callId: first });
    await a.inbox.next('call_state', (f) => f.call.status === 'accepted');

    const c = await connectRoom(cat, catRoom);
    const second = crypto.randomUUID();
    c.send({ type: 'call_start', callId: second, media: 'video' });
    expect((await c.inbox.next('call_state')).call).toMatchObject({ id: second, status: 'busy' });
    expect((await callLog(cat, catRoom))[0]).toMatchObject({ id: second, status: 'busy' });

    // Once the first call ends, Ben can be called again.
    a.send({ type: 'call_hangup', callId: first });
    await b.inbox.next('call_state', (f) => f.call.status === 'ended');
    const third = crypto.randomUUID();
    c.send({ type: 'call_start', callId: third, media: 'voice' });
    expect((await c.inbox.next('call_state', (f) => f.call.id === third)).call.status).toBe('ringing');
  });

  it('keeps outsiders out: no socket for non-members, no calls in groups, no signals for unknown calls', async () => {
    const { ann, ben, roomId } = await dm();
    const eve = await api.register('eve');
    expect((await upgrade(`/ws/rooms/${roomId}?token=${eve.token}`)).status).toBe(403);
    const group = await api.createGroup(ann, 'G', [ben, eve]);
    const e = await connectRoom(eve, group);
    e.send({ type: 'call_start', callId: crypto.randomUUID(), media: 'voice' });
    expect(await e.inbox.next('error')).toMatchObject({ code: 'forbidden' });
    const a = await connectRoom(ann, roomId);
    const callId = crypto.randomUUID();
    a.send({ type: 'call_start', callId, media: 'voice' });
    await a.inbox.next('call_state');
    // Eve, in a room she belongs to, names Ann's call: it does not exist there.
    e.send({ type: 'call_signal', callId, signal: offer });
    expect(await e.inbox.next('error')).toMatchObject({ code: 'not_found' });
  });

  it('mints ICE servers with short-lived TURN REST credentials for the signed-in user', async () => {
    const ann = await api.register('ann');
    const res = await api.json<{ iceServers: { urls: string[]; username?: string; credential?: string }[] }>(
      'GET',
      '/api/calls/ice-servers',
      undefined,
      ann.token,
    );
    const [stun, turn] = res.iceServers;
    expect(stun).toEqual({ urls: ['stun:127.0.0.1:3478'] });
    const [expiry, userId] = turn!.username!.split(':');
    expect(userId).toBe(ann.id);
    expect(Number(expiry) * 1000).toBeGreaterThan(Date.now());
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(TEST_TURN_SECRET), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
    const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(turn!.username!));
    expect(turn!.credential).toBe(btoa(String.fromCharCode(...new Uint8Array(mac))));
    expect((await api.request('GET', '/api/calls/ice-servers')).status).toBe(401);
  });
});
