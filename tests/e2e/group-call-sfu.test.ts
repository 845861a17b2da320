/**
 * The Worker's Realtime proxy for group calls over the SFU, against `wrangler dev` and the local
 * Realtime stand-in: the room moves a call to the SFU at its fifth participant, and answers for
 * every proxied call: only participants get a session, a published track is listed to the
 * others (never to someone its publisher blocked, who cannot pull it either), and a pull answers
 * with the SFU's offer. The browser's side of it (real media) is tests/browser/group-call-sfu.test.ts;
 * here a werift peer stands in for the browser that publishes.
 */
import { describe, expect, it } from 'vitest';
import { RTCPeerConnection, MediaStreamTrack } from 'werift';
import type { TestUser } from '../support/api';
import { connectAs, e2eApi, expectError } from '../support/e2e';

const api = e2eApi();

describe('group calls over the SFU (the Worker proxy)', () => {
  it('moves a call to the SFU at five people and authorises every Realtime call against it', async () => {
    const people: TestUser[] = [];
    for (const name of ['ann', 'ben', 'cat', 'dan', 'eve', 'fay']) people.push(await api.register(name));
    const [ann, ben, cat, dan, eve, fay] = people as [TestUser, TestUser, TestUser, TestUser, TestUser, TestUser];
    const roomId = await api.createGroup(ann, 'Proxy club', [ben, cat, dan, eve, fay]);
    // Eve blocked Ann: both may be in the call, but Eve is not shown Ann's tracks and may not pull them.
    expect((await api.request('PUT', `/api/blocks/${ann.username}`, undefined, eve.token)).status).toBe(204);
    const base = (callId: string) => `/api/rooms/${roomId}/group-calls/${callId}/sfu`;
    const callId = crypto.randomUUID();

    const sockets = [];
    for (const [i, p] of [ann, ben, cat, dan].entries()) {
      const ws = await connectAs(api, p, roomId);
      sockets.push(ws);
      ws.send({ type: 'group_call_join', callId, media: 'voice' });
      const state = await ws.inbox.next('group_call_state', (f) => f.call.participants.length === i + 1);
      expect(state.call).toMatchObject({ transport: 'mesh', limit: 9 });
    }
    // A mesh call has no SFU session to give.
    await expectError(await api.request('POST', `${base(callId)}/session`, undefined, ann.token), 409);

    const eveWs = await connectAs(api, eve, roomId);
    sockets.push(eveWs);
    eveWs.send({ type: 'group_call_join', callId, media: 'voice' });
    const moved = await eveWs.inbox.next('group_call_state', (f) => f.call.participants.length === 5);
    expect(moved.call).toMatchObject({ transport: 'sfu', limit: 9 });

    // Not in the call, no call, a bad id: refused before any Realtime call.
    await expectError(await api.request('POST', `${base(callId)}/session`, undefined, fay.token), 403);
    await expectError(await api.request('POST', `${base(crypto.randomUUID())}/session`, undefined, ann.token), 404);
    await expectError(await api.request('POST', `/api/rooms/${roomId}/group-calls/nope/sfu/session`, undefined, ann.token), 400);
    await expectError(await api.request('POST', `${base(callId)}/session`), 401);
    // Publishing before opening a session.
    await expectError(await api.request('POST', `${base(callId)}/publish`, { sessionDescription: { type: 'offer', sdp: 'v=0' }, tracks: [{ mid: '0', kind: 'audio' }] }, ann.token), 409);

    // Ann opens her session and publishes her microphone from a werift peer.
    const session = await api.json<{ sessionId: string }>('POST', `${base(callId)}/session`, undefined, ann.token);
    expect(session.sessionId).toEqual(expect.any(String));
    const pc = new RTCPeerConnection({ iceServers: [], iceUseIpv6: false, iceInterfaceAddresses: { udp4: '127.0.0.1' }, bundlePolicy: 'max-bundle' });
    try {
      const t = pc.addTransceiver(new MediaStreamTrack({ kind: 'audio' }), { direction: 'sendonly' });
      await pc.setLocalDescription(await pc.createOffer());
      const published = await api.json<{ sessionDescription: { type: string; sdp: string }; tracks: { mid: string; trackName: string }[] }>(
        'POST',
        `${base(callId)}/publish`,
        { sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp }, tracks: [{ mid: t.mid, kind: 'audio' }] },
        ann.token,
      );
      expect(published.sessionDescription.type).toBe('answer');
      const [track] = published.tracks;
      expect(track).toEqual({ mid: t.mid, trackName: expect.stringMatching(/^audio-/) });

      // The others are told to pull it; Eve, who blocked Ann, is shown nothing.
      const benSees = await sockets[1]!.inbox.next('group_call_state', (f) => f.call.participants.some((p) => p.tracks.length > 0));
      expect(benSees.call.participants.find((p) => p.userId === ann.id)!.tracks).toEqual([{ trackName: track!.trackName, kind: 'audio' }]);
      const eveSees = await eveWs.inbox.next('group_call_state', (f) => f.call.participants.some((p) => p.userId === ann.id && p.blocked));
      expect(eveSees.call.participants.find((p) => p.userId === ann.id)!.tracks).toEqual([]);

      // Ben pulls it: the SFU's offer comes back with the mid it is on.
      await api.json('POST', `${base(callId)}/session`, undefined, ben.token);
      const pulled = await api.json<{ sessionDescription: { type: string }; tracks: { mid: string; userId: string; trackName: string }[] }>(
        'POST',
        `${base(callId)}/pull`,
        { tracks: [{ userId: ann.id, trackName: track!.trackName }] },
        ben.token,
      );
      expect(pulled.sessionDescription.type).toBe('offer');
      expect(pulled.tracks).toEqual([{ mid: expect.any(String), userId: ann.id, trackName: track!.trackName }]);

      // Eve may not pull Ann's track, nor anyone a track that is not published.
      await api.json('POST', `${base(callId)}/session`, undefined, eve.token);
      await expectError(await api.request('POST', `${base(callId)}/pull`, { tracks: [{ userId: ann.id, trackName: track!.trackName }] }, eve.token), 404);
      await expectError(await api.request('POST', `${base(callId)}/pull`, { tracks: [{ userId: ann.id, trackName: 'audio-made-up' }] }, ben.token), 404);
      // Bad bodies are 400s in JSON.
      await expectError(await api.request('POST', `${base(callId)}/pull`, { tracks: [] }, ben.token), 400);
      await expectError(await api.request('PUT', `${base(callId)}/renegotiate`, { sessionDescription: { type: 'offer', sdp: 'x' } }, ben.token), 400);
    } finally {
      await pc.close();
      for (const [i, ws] of sockets.entries()) {
        ws.send({ type: 'group_call_leave', callId });
        if (i === sockets.length - 1) await ws.inbox.next('group_call_state', (f) => f.call.status === 'ended');
      }
      await Promise.all(sockets.map((ws) => ws.close()));
    }
  });
});
