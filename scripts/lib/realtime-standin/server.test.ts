/**
 * The Realtime stand-in on its own, with werift peers in the browsers' place: one publishes an
 * audio track, another pulls it through the HTTP API and receives its RTP; the token is checked;
 * the stop-forwarding fault stalls the pull; closing the published track ends the pull.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket } from 'werift';
import { startRealtimeStandin, type RealtimeStandin } from './server';

let standin: RealtimeStandin;
const peers: RTCPeerConnection[] = [];

beforeAll(async () => {
  // A full ICE agent here: werift in the browsers' place cannot connect to an ICE-lite one (see server.ts).
  standin = await startRealtimeStandin({ appId: 'test-app', token: 'test-token', iceLite: false });
});
afterAll(async () => {
  await Promise.all(peers.map((pc) => pc.close()));
  await standin.stop();
});

async function call<T>(method: string, path: string, body?: unknown, token = standin.token): Promise<{ status: number; json: T }> {
  const res = await fetch(`${standin.url}/apps/${standin.appId}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as T };
}

function peer(): RTCPeerConnection {
  const pc = new RTCPeerConnection({ iceServers: [], iceUseIpv6: false, iceInterfaceAddresses: { udp4: '127.0.0.1' }, iceAdditionalHostAddresses: ['127.0.0.1'], bundlePolicy: 'max-bundle' });
  peers.push(pc);
  return pc;
}

async function newSession(): Promise<string> {
  const { status, json } = await call<{ sessionId: string }>('POST', '/sessions/new');
  expect(status).toBe(200);
  return json.sessionId;
}

describe('Realtime stand-in', () => {
  it('refuses a wrong token', async () => {
    const { status, json } = await call('POST', '/sessions/new', undefined, 'wrong');
    expect(status).toBe(401);
    expect(json).toMatchObject({ errorCode: 'unauthorized' });
  });

  it('forwards a published track to a session that pulls it, until it is closed', async () => {
    // Publisher: one sendonly audio m-line, offered with tracks/new (local).
    const pub = peer();
    const source = new MediaStreamTrack({ kind: 'audio' });
    const transceiver = pub.addTransceiver(source, { direction: 'sendonly' });
    await pub.setLocalDescription(await pub.createOffer());
    const pubSession = await newSession();
    const published = await call<{ sessionDescription: { type: 'answer'; sdp: string }; tracks: { mid: string; trackName: string }[] }>('POST', `/sessions/${pubSession}/tracks/new`, {
      sessionDescription: { type: 'offer', sdp: pub.localDescription!.sdp },
      tracks: [{ location: 'local', mid: transceiver.mid, trackName: 'mic' }],
    });
    expect(published.status).toBe(200);
    expect(published.json.tracks).toEqual([{ mid: transceiver.mid, trackName: 'mic' }]);
    await pub.setRemoteDescription(published.json.sessionDescription);

    // Subscriber: pulls it (remote), answers the stand-in's offer with renegotiate.
    const sub = peer();
    const subSession = await newSession();
    const pulled = await call<{ requiresImmediateRenegotiation: boolean; sessionDescription: { type: 'offer'; sdp: string }; tracks: { mid: string; trackName: string; sessionId: string }[] }>('POST', `/sessions/${subSession}/tracks/new`, {
      tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'mic' }, { location: 'remote', sessionId: pubSession, trackName: 'nothing' }],
    });
    expect(pulled.json.requiresImmediateRenegotiation).toBe(true);
    expect(pulled.json.tracks).toEqual([
      { mid: expect.any(String), trackName: 'mic', sessionId: pubSession },
      expect.objectContaining({ trackName: 'nothing', errorCode: 'not_found' }),
    ]);
    let received = 0;
    const receiving = new Promise<void>((resolve) => {
      sub.onTrack.subscribe((track) => track.onReceiveRtp.subscribe(() => ++received === 5 && resolve()));
    });
    await sub.setRemoteDescription(pulled.json.sessionDescription);
    await sub.setLocalDescription(await sub.createAnswer());
    expect((await call('PUT', `/sessions/${subSession}/renegotiate`, { sessionDescription: { type: 'answer', sdp: sub.localDescription!.sdp } })).status).toBe(200);

    // The publisher sends packets until five have come through the stand-in.
    let seq = 1;
    const pump = setInterval(() => source.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber: seq++, timestamp: seq * 960, marker: true }), Buffer.alloc(40, 1))), 20);
    try {
      await receiving;
    } finally {
      clearInterval(pump);
    }
    expect((await call<{ tracks: unknown[] }>('GET', `/sessions/${subSession}`)).json.tracks).toEqual([
      { location: 'remote', mid: pulled.json.tracks[0]!.mid, trackName: 'mic', status: 'active' },
    ]);

    // The fault of an SFU that stops forwarding it: the pull stays listed, fed no more; a track
    // the session does not publish is refused.
    expect((await call('POST', `/sessions/${pubSession}/fault/stop-forwarding`, { trackName: 'mic' })).json).toEqual({ stalled: 1 });
    expect((await call<{ tracks: unknown[] }>('GET', `/sessions/${subSession}`)).json.tracks).toHaveLength(1);
    expect((await call('POST', `/sessions/${pubSession}/fault/stop-forwarding`, { trackName: 'nothing' })).status).toBe(400);

    // The publisher closes its track (force: no renegotiation): the pull ends with it.
    const closed = await call('PUT', `/sessions/${pubSession}/tracks/close`, { tracks: [{ mid: transceiver.mid }], force: true });
    expect(closed.status).toBe(200);
    expect((await call<{ tracks: unknown[] }>('GET', `/sessions/${subSession}`)).json.tracks).toEqual([]);
    expect((await call<{ tracks: unknown[] }>('GET', `/sessions/${pubSession}`)).json.tracks).toEqual([]);
  }, 60_000);

  it('answers an unknown session with 404 and a bad body with 400, in JSON', async () => {
    expect((await call('GET', '/sessions/nope')).status).toBe(404);
    const session = await newSession();
    const bad = await call('POST', `/sessions/${session}/tracks/new`, { tracks: [] });
    expect(bad).toMatchObject({ status: 400, json: { errorCode: 'bad_request' } });
  });
});
