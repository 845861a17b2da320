/**
 * Voice and video calls in real browsers (headless Chromium with a fake camera, microphone
 * and screen): ringing through the inbox wherever the callee is, media both ways, screen
 * sharing in place, the outcomes a caller sees (declined, no answer, busy), the call log and
 * the timeline records, signaling that a third person cannot inject into, a call surviving its
 * signaling socket reconnecting, and a relay-only call through a local coturn.
 *
 * The pages are probed, not modified: an init script records each page's RTCPeerConnections
 * (window.__pcs) and the call frames its sockets receive (window.__callFrames).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appInfo } from '../support/app';
import { apiAs, closeAll, recordPeerConnections, connected, exchangeMessages, browserPerFile, shot, signedIn, type Person, type PersonOptions } from '../support/browser';
import { connectAs, e2eApi } from '../support/e2e';
import type { TestUser } from '../support/api';
import { refusedUpgrade } from '../support/ws-client';
import { COTURN_INSTALL_HINT } from '../../scripts/lib/coturn';
import type { CallState, ServerFrame } from '../../durable-objects/protocol';

const files = browserPerFile();

/** Runs in every page before the app: records the call frames its sockets receive. */
function callProbes() {
  const w = window as unknown as Record<string, unknown>;
  const frames: unknown[] = [];
  w.__callFrames = frames;
  const NativeWs = window.WebSocket;
  window.WebSocket = class extends NativeWs {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (event: MessageEvent) => {
        if (typeof event.data === 'string' && event.data.includes('"type":"call_')) {
          try {
            frames.push(JSON.parse(event.data));
          } catch {
            // not JSON
          }
        }
      });
    }
  } as typeof WebSocket;
}

function relayOnly() {
  try {
    localStorage.setItem('edge-chat:relay-only', '1');
  } catch {
    // about:blank has no storage
  }
}

/**
 * Runs in every page before the app: each time the call screen turns to 'connected', the state
 * of the newest RTCPeerConnection's transport at that moment (window.__linkConnectedWhile).
 */
function linkProbe() {
  const seen: string[] = [];
  (window as unknown as { __linkConnectedWhile: string[] }).__linkConnectedWhile = seen;
  new MutationObserver((records) => {
    for (const r of records) {
      if ((r.target as Element).getAttribute('data-link') !== 'connected' || r.oldValue === 'connected') continue;
      const pc = (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs?.at(-1);
      seen.push(pc?.connectionState ?? 'none');
    }
  }).observe(document, { subtree: true, attributes: true, attributeOldValue: true, attributeFilter: ['data-link'] });
}

const probed: PersonOptions = { initScripts: [recordPeerConnections, callProbes, linkProbe] };

/** The call screen's state attributes. */
const screen = (p: Person) => p.page.getByTestId('call-screen');
const phase = (p: Person) => screen(p).getAttribute('data-phase');
const link = (p: Person) => screen(p).getAttribute('data-link');

async function waitConnected(...people: Person[]) {
  for (const p of people) await expect.poll(() => link(p), { timeout: 30_000 }).toBe('connected');
}

/** State of the page's newest RTCPeerConnection. */
function pcState(page: Page) {
  return page.evaluate(() => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    const pc = pcs.at(-1);
    if (!pc) return null;
    return {
      connectionState: pc.connectionState,
      iceConnectionState: pc.iceConnectionState,
      transceivers: pc.getTransceivers().length,
      senders: pc.getSenders().map((s) => (s.track ? { kind: s.track.kind, label: s.track.label } : null)),
    };
  });
}

/** Selected candidate pair of the page's newest connection, from getStats(). */
function selectedPair(page: Page) {
  return page.evaluate(async () => {
    const pc = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.at(-1)!;
    const report = await pc.getStats();
    let pairId: string | undefined;
    report.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
    });
    const pair = pairId ? report.get(pairId) : undefined;
    if (!pair) return null;
    return {
      state: pair.state as string,
      local: report.get(pair.localCandidateId)?.candidateType as string,
      remote: report.get(pair.remoteCandidateId)?.candidateType as string,
    };
  });
}

const remoteVideoWidth = (p: Person) =>
  p.page.evaluate(() => (document.querySelector('[data-testid=remote-video]') as HTMLVideoElement | null)?.videoWidth ?? 0);

const videoSenderLabel = async (p: Person) => (await pcState(p.page))?.senders.find((s) => s?.kind === 'video')?.label ?? null;

/** Frames of kind `type` this page's sockets received. */
function callFrames<T extends ServerFrame['type']>(page: Page, type: T) {
  return page.evaluate((t) => (window as unknown as { __callFrames: ServerFrame[] }).__callFrames.filter((f) => f.type === t), type) as Promise<
    Extract<ServerFrame, { type: T }>[]
  >;
}

async function callLog(p: Person, roomId: string) {
  return (await apiAs(p).get<{ calls: (Omit<CallState, 'calleeId' | 'status'> & { receiverId: string; status: string })[] }>(`/api/rooms/${roomId}/calls`)).calls;
}

const callRecords = (p: Person) => p.page.locator('[data-testid=message][data-type=call] [data-testid=call-record]').allTextContents();

/** Two people with a direct conversation; the caller has it open, the callee is on the chat list. */
async function pair(names: [string, string], options: PersonOptions = probed, calleeOptions: PersonOptions = options) {
  const [caller, callee] = await Promise.all([
    signedIn(files.browser, names[0].toLowerCase(), names[0], options),
    signedIn(files.browser, names[1].toLowerCase(), names[1], calleeOptions),
  ]);
  const { room } = await apiAs(caller).post<{ room: { id: string } }>('/api/rooms/direct', { username: callee.username });
  // Presence is shared once both have written; the caller's page then loads and learns it.
  await exchangeMessages([caller, callee], room.id);
  await caller.page.goto(`${appInfo().baseUrl}/chat/${room.id}`);
  await connected(caller.page);
  // Rings only reach an inbox that is connected: wait until the caller sees the callee online.
  await callee.page.getByTestId('me-name').waitFor();
  await expect.poll(() => caller.page.getByTestId('chat-subtitle').textContent(), { timeout: 15_000 }).toBe('online');
  return { caller, callee, roomId: room.id };
}

/** The caller starts a call; the callee's incoming-call card rings (wherever they are). */
async function ring(caller: Person, callee: Person, media: 'voice' | 'video') {
  await caller.page.getByTestId(media === 'video' ? 'call-video-button' : 'call-voice-button').click();
  await screen(caller).waitFor();
  await callee.page.getByTestId('incoming-call').waitFor({ timeout: 15_000 });
}

describe('calls', () => {
  it('video call: rings the callee on another page, connects both ways, shares a screen in place, hangs up and logs it', async () => {
    const { caller: ann, callee: ben, roomId } = await pair(['Ann', 'Ben']);

    await ring(ann, ben, 'video');
    await expect.poll(() => screen(ann).getByTestId('call-status').textContent()).toBe('Ringing…');
    expect(await ben.page.getByTestId('incoming-call').getAttribute('data-media')).toBe('video');
    expect(ben.page.url()).toMatch(/\/chat$/);
    await shot(ben.page, 'call-incoming');

    // Answering opens the conversation and the call.
    await ben.page.getByRole('button', { name: 'Accept video call' }).click();
    await ben.page.waitForURL(`**/chat/${roomId}`);
    await waitConnected(ann, ben);
    for (const p of [ann, ben]) {
      // 'Connected' on screen means media can flow: ICE and the DTLS handshake are done.
      expect(await p.page.evaluate(() => (window as unknown as { __linkConnectedWhile: string[] }).__linkConnectedWhile)).toEqual(['connected']);
      expect((await pcState(p.page))?.connectionState).toBe('connected');
      await expect.poll(() => remoteVideoWidth(p), { timeout: 20_000 }).toBeGreaterThan(0);
    }
    await expect.poll(() => screen(ann).getByTestId('call-quality').getAttribute('data-quality'), { timeout: 10_000 }).toMatch(/good|fair|poor/);
    await shot(ann.page, 'call-video');

    // Screen sharing replaces the outgoing video track in place (same transceivers), and back.
    const camera = await videoSenderLabel(ann);
    expect(camera).toMatch(/fake/);
    const before = (await pcState(ann.page))!.transceivers;
    await ann.page.getByRole('button', { name: 'Share screen' }).click();
    await expect.poll(() => videoSenderLabel(ann)).toMatch(/^screen:/);
    expect((await pcState(ann.page))!.transceivers).toBe(before);
    await expect.poll(() => ben.page.getByText('Ann is sharing their screen').count()).toBe(1);
    expect(await remoteVideoWidth(ben)).toBeGreaterThan(0);
    await shot(ben.page, 'call-screen-share');
    await ann.page.getByRole('button', { name: 'Stop sharing screen' }).click();
    await expect.poll(() => videoSenderLabel(ann)).toBe(camera);
    expect((await pcState(ann.page))!.transceivers).toBe(before);

    // Camera off: nothing goes out on the (kept) sender, and Ben sees Ann's avatar instead.
    await ann.page.getByRole('button', { name: 'Turn camera off' }).click();
    await expect.poll(() => videoSenderLabel(ann)).toBeNull();
    await expect.poll(() => ben.page.getByTestId('remote-video').isHidden()).toBe(true);
    await ann.page.getByRole('button', { name: 'Turn camera on' }).click();
    await expect.poll(() => videoSenderLabel(ann)).toMatch(/fake/);
    await expect.poll(() => ben.page.getByTestId('remote-video').isVisible()).toBe(true);
    expect((await pcState(ann.page))!.transceivers).toBe(before);

    // Muting shows on the other side (told over the peers' data channel).
    await ben.page.getByRole('button', { name: 'Mute microphone' }).click();
    await ann.page.getByTestId('peer-muted').waitFor();
    await ben.page.getByRole('button', { name: 'Unmute microphone' }).click();
    await expect.poll(() => ann.page.getByTestId('peer-muted').count()).toBe(0);

    // Hang up: both see it end; the log has both timestamps; the timeline has the record.
    await ann.page.getByRole('button', { name: 'Hang up' }).click();
    for (const p of [ann, ben]) {
      await expect.poll(() => screen(p).getByTestId('call-outcome').getAttribute('data-outcome')).toBe('ended');
    }
    const [entry] = await callLog(ann, roomId);
    expect(entry).toMatchObject({ media: 'video', status: 'accepted', callerId: ann.id, receiverId: ben.id });
    expect(entry!.startedAt).not.toBeNull();
    expect(entry!.endedAt).not.toBeNull();
    expect(Date.parse(entry!.endedAt!)).toBeGreaterThan(Date.parse(entry!.startedAt!));
    for (const p of [ann, ben]) {
      await expect.poll(() => callRecords(p), { timeout: 10_000 }).toEqual([expect.stringMatching(/^Video call, 0:\d\d$/)]);
    }
    await screen(ann).waitFor({ state: 'detached', timeout: 10_000 });
    await shot(ann.page, 'call-record');
    await closeAll(ann, ben);
  });

  it('tells the caller how it went: declined, no answer (caller gives up), busy; each is logged and in the timeline', async () => {
    const { caller: dan, callee: eve, roomId } = await pair(['Dan', 'Eve'], probed, { ...probed, mobile: true });

    // Declined.
    await ring(dan, eve, 'voice');
    await shot(eve.page, 'call-incoming-mobile');
    await eve.page.getByRole('button', { name: 'Decline call' }).click();
    await expect.poll(() => eve.page.getByTestId('incoming-call').count()).toBe(0);
    await expect.poll(() => screen(dan).getByTestId('call-outcome').getAttribute('data-outcome')).toBe('declined');
    expect(await screen(dan).getByTestId('call-outcome').textContent()).toBe('Eve declined the call');
    await expect.poll(async () => (await callLog(dan, roomId))[0]?.status).toBe('rejected');
    await dan.page.getByTestId('call-close').click();

    // Unanswered: the caller hangs up while it rings, which the room records as missed, and the
    // callee stops ringing. (The 30-second ring timeout itself is covered by the workerd tests.)
    await ring(dan, eve, 'voice');
    await dan.page.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => screen(dan).getByTestId('call-outcome').getAttribute('data-outcome')).toBe('cancelled');
    await expect.poll(() => eve.page.getByTestId('incoming-call').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(async () => (await callLog(dan, roomId))[0]?.status).toBe('missed');
    await dan.page.getByTestId('call-close').click();

    // Busy: Eve is on a call with Dan when Fay calls her.
    const fay = await signedIn(files.browser, 'fay', 'Fay', probed);
    const { room } = await apiAs(fay).post<{ room: { id: string } }>('/api/rooms/direct', { username: eve.username });
    await exchangeMessages([fay, eve], room.id);
    await fay.page.goto(`${appInfo().baseUrl}/chat/${room.id}`);
    await connected(fay.page);
    await expect.poll(() => fay.page.getByTestId('chat-subtitle').textContent(), { timeout: 15_000 }).toBe('online');
    await ring(dan, eve, 'voice');
    await eve.page.getByRole('button', { name: 'Accept call' }).click();
    await waitConnected(dan, eve);
    await shot(eve.page, 'call-voice-mobile');
    await fay.page.getByTestId('call-voice-button').click();
    await expect.poll(() => screen(fay).getByTestId('call-outcome').getAttribute('data-outcome'), { timeout: 10_000 }).toBe('busy');
    expect(await screen(fay).getByTestId('call-outcome').textContent()).toBe('Eve is on another call');
    await shot(fay.page, 'call-busy');
    expect(await eve.page.getByTestId('incoming-call').count()).toBe(0);
    expect((await callLog(fay, room.id))[0]?.status).toBe('busy');
    await eve.page.getByRole('button', { name: 'Hang up' }).click();

    // The timeline says it from each side.
    await expect.poll(() => callRecords(dan), { timeout: 10_000 }).toEqual([
      'Voice call, declined',
      'Voice call, no answer',
      expect.stringMatching(/^Voice call, 0:\d\d$/),
    ]);
    await expect.poll(() => callRecords(eve), { timeout: 10_000 }).toEqual([
      'Declined voice call',
      'Missed voice call',
      expect.stringMatching(/^Voice call, 0:\d\d$/),
    ]);
    await closeAll(dan, eve, fay);
  });

  it('a third person cannot inject signaling: not from a shared group, not into the conversation', async () => {
    const { caller: gil, callee: hal, roomId } = await pair(['Gil', 'Hal']);
    const api = e2eApi();
    const ivy = await api.register('ivy');
    const groupId = await api.createGroup(ivy, 'Gil, Hal and Ivy', [gil, hal] as unknown as TestUser[]);

    await ring(gil, hal, 'voice');
    await hal.page.getByRole('button', { name: 'Accept call' }).click();
    await waitConnected(gil, hal);
    const callId = (await screen(gil).getAttribute('data-call-id'))!;

    // Ivy in the group the three share: the call is not there; calls are for 1-to-1 rooms.
    const socket = await connectAs(api, ivy, groupId);
    const offer = { kind: 'offer', sdp: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n' };
    socket.send({ type: 'call_signal', callId, signal: offer });
    expect((await socket.inbox.next('error')).code).toBe('not_found');
    socket.send({ type: 'call_signal', callId, signal: { kind: 'ice', candidate: { candidate: 'candidate:1 1 udp 1 6.6.6.6 6666 typ host', sdpMid: '0' } } });
    expect((await socket.inbox.next('error')).code).toBe('not_found');
    socket.send({ type: 'call_hangup', callId });
    expect((await socket.inbox.next('error')).code).toBe('not_found');
    socket.send({ type: 'call_start', callId: crypto.randomUUID(), media: 'voice' });
    expect((await socket.inbox.next('error')).code).toBe('forbidden');

    // Ivy and the direct conversation: no ticket, and no other credential opens it.
    const ticket = await api.request('POST', `/api/rooms/${roomId}/ws-ticket`, undefined, ivy.token);
    expect(ticket.status).toBe(403);
    const groupTicket = await api.ticket(ivy, groupId);
    expect((await refusedUpgrade(api.baseUrl, roomId, { ticket: groupTicket, origin: api.origin })).status).toBeGreaterThanOrEqual(400);
    expect((await refusedUpgrade(api.baseUrl, roomId, { token: ivy.token, origin: api.origin })).status).toBe(403);

    // Hal received signals from Gil only, and the call is still up.
    await hal.page.waitForTimeout(500);
    const signals = await callFrames(hal.page, 'call_signal');
    expect(signals.length).toBeGreaterThan(0);
    expect(new Set(signals.map((f) => f.fromUserId))).toEqual(new Set([gil.id]));
    expect(signals.some((f) => f.signal.kind === 'ice' && f.signal.candidate?.candidate.includes('6.6.6.6'))).toBe(false);
    expect(await link(hal)).toBe('connected');
    await socket.close();
    await gil.page.getByRole('button', { name: 'Hang up' }).click();
    await closeAll(gil, hal);
  });

  it('voice call: either side switches to video (renegotiation; logged as a video call); the call survives its signaling socket reconnecting (call_rejoin)', async () => {
    const { caller: jo, callee: kim, roomId } = await pair(['Jo', 'Kim']);
    await ring(jo, kim, 'voice');
    await kim.page.getByRole('button', { name: 'Accept call' }).click();
    await waitConnected(jo, kim);
    expect(await videoSenderLabel(jo)).toBeNull();
    expect(await remoteVideoWidth(jo)).toBe(0);
    // The other side's voice plays (the remote element is hidden in a voice call, not paused).
    for (const p of [jo, kim]) {
      await expect
        .poll(() =>
          p.page.evaluate(() => {
            const el = document.querySelector('[data-testid=remote-video]') as HTMLVideoElement;
            const stream = el.srcObject as MediaStream | null;
            return { playing: !el.paused, audio: stream?.getAudioTracks().filter((t) => t.readyState === 'live').length ?? 0 };
          }),
        )
        .toEqual({ playing: true, audio: 1 });
    }

    // The callee (the polite side) upgrades first: a new offer from Kim adds a video transceiver.
    const transceivers = (await pcState(jo.page))!.transceivers;
    await kim.page.getByRole('button', { name: 'Switch to video' }).click();
    await expect.poll(() => remoteVideoWidth(jo), { timeout: 20_000 }).toBeGreaterThan(0);
    expect((await pcState(jo.page))!.transceivers).toBe(transceivers + 1);
    expect((await callFrames(jo.page, 'call_signal')).some((f) => f.signal.kind === 'offer')).toBe(true);
    // From now on it is a video call, in the log too (call_video).
    await expect.poll(async () => (await callLog(jo, roomId))[0]?.media, { timeout: 20_000 }).toBe('video');
    // Then the caller: it sends on the transceiver Kim's offer created.
    await jo.page.getByRole('button', { name: 'Switch to video' }).click();
    await expect.poll(() => remoteVideoWidth(kim), { timeout: 20_000 }).toBeGreaterThan(0);
    expect((await pcState(jo.page))!.transceivers).toBe(transceivers + 1);
    expect(await videoSenderLabel(jo)).toMatch(/fake/);

    const before = (await callFrames(jo.page, 'call_signal')).length;
    const statesBefore = (await callFrames(jo.page, 'call_state')).length;
    await jo.ctx.setOffline(true);
    await expect.poll(() => screen(jo).getByRole('status').textContent()).toBe('Reconnecting to the server…');
    await jo.ctx.setOffline(false);

    // The new socket rejoined: the room confirmed the call on it, and signals reach it again.
    await expect
      .poll(async () => (await callFrames(jo.page, 'call_state')).slice(statesBefore).some((f) => f.call.status === 'accepted'), { timeout: 20_000 })
      .toBe(true);
    await expect.poll(async () => (await callFrames(jo.page, 'call_signal')).length, { timeout: 20_000 }).toBeGreaterThan(before);
    await waitConnected(jo, kim);
    expect(await phase(jo)).toBe('active');
    expect((await pcState(jo.page))?.connectionState).toBe('connected');
    await jo.page.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => screen(kim).getByTestId('call-outcome').getAttribute('data-outcome')).toBe('ended');
    await expect.poll(() => callRecords(jo), { timeout: 10_000 }).toEqual([expect.stringMatching(/^Video call, \d+:\d\d$/)]);
    await closeAll(jo, kim);
  });

  it('connects relay-only (iceTransportPolicy "relay") through the local coturn', async () => {
    const { turnError } = appInfo();
    if (turnError) throw new Error(`No local TURN server for this test (${turnError}). Install coturn: ${COTURN_INSTALL_HINT}`);
    const options: PersonOptions = { initScripts: [recordPeerConnections, callProbes, relayOnly] };
    const { caller: lea, callee: max, roomId } = await pair(['Lea', 'Max'], options);
    await ring(lea, max, 'video');
    await max.page.getByRole('button', { name: 'Accept video call' }).click();
    await waitConnected(lea, max);
    for (const p of [lea, max]) {
      expect(await p.page.evaluate(() => (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.at(-1)!.getConfiguration().iceTransportPolicy)).toBe('relay');
      await expect.poll(() => selectedPair(p.page), { timeout: 10_000 }).toEqual({ state: 'succeeded', local: 'relay', remote: 'relay' });
      await expect.poll(() => remoteVideoWidth(p), { timeout: 20_000 }).toBeGreaterThan(0);
      await expect.poll(() => screen(p).getByTestId('call-quality').getAttribute('data-route'), { timeout: 10_000 }).toBe('relay');
    }
    await shot(max.page, 'call-relay');
    await lea.page.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(async () => (await callLog(lea, roomId))[0]?.status).toBe('accepted');
    await closeAll(lea, max);
  });
});
