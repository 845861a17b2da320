/**
 * What the group-call browser tests read from their pages (probed, never modified): an init
 * script records each page's RTCPeerConnections (window.__pcs) and the time of the last click on
 * a call button (window.__clickAt); these helpers read getStats() from them, per connection (the
 * mesh: one per other participant) and per inbound track (the SFU: one connection, a track per
 * other participant's microphone or camera).
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { apiAs, connected, recordPeerConnections, signedIn, type Person, type PersonOptions } from './browser';
import type { Browser } from 'playwright-core';

/** Several Chromium pages encoding and decoding each other's media: slow on a loaded 2-core machine. */
export const CALL_TEST_TIMEOUT_MS = 900_000;
/** How long one step may take there (a click waits for a renderer starved at a load average of 40). */
export const STEP_MS = 120_000;

/** Runs in every page before the app: the time of the last click on a call button. */
function clickTimes() {
  const w = window as unknown as Record<string, unknown>;
  document.addEventListener(
    'click',
    (e) => {
      const target = e.target as Element | null;
      if (target?.closest('[data-testid=group-call-join],[data-testid^=group-call-][data-testid$=-button]')) w.__clickAt = performance.now();
    },
    true,
  );
}

export const probed: PersonOptions = { initScripts: [recordPeerConnections, clickTimes] };

/**
 * Runs in every page before the app: the fake camera is a small one (320×240 at 15 fps, as a
 * cheap webcam), whatever the app asks for. Five pages each encoding 720p and decoding four
 * 720p streams on two shared cores would measure the machine, not the call's media path.
 */
function smallCamera() {
  const devices = navigator.mediaDevices;
  // Not a secure context (about:blank before the app): no media devices to hold small.
  if (!devices) return;
  const getUserMedia = devices.getUserMedia.bind(devices);
  devices.getUserMedia = (constraints) =>
    getUserMedia(constraints?.video ? { ...constraints, video: { width: { exact: 320 }, height: { exact: 240 }, frameRate: { max: 15 } } } : constraints);
}

/** `probed`, with small cameras: for video calls of many people. */
export const probedSmallCamera: PersonOptions = { initScripts: [recordPeerConnections, clickTimes, smallCamera] };
export const callScreen = (p: Person) => p.page.getByTestId('group-call-screen');
export const tiles = (p: Person) => p.page.getByTestId('gcall-tile');

export function stepLogger(name: string) {
  const started = Date.now();
  return (what: string) => console.log(`[${name} +${((Date.now() - started) / 1000).toFixed(1)} s] ${what}`);
}

export interface PeerStats {
  state: string;
  audioPackets: number;
  videoFrames: number;
  sendingVideo: string | null;
}

/** Per open peer connection of the page: inbound audio packets and decoded video frames. */
export function peerStats(page: Page): Promise<PeerStats[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.connectionState !== 'closed');
    return Promise.all(
      pcs.map(async (pc) => {
        let audioPackets = 0;
        let videoFrames = 0;
        (await pc.getStats()).forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === 'audio') audioPackets += s.packetsReceived ?? 0;
          if (s.type === 'inbound-rtp' && s.kind === 'video') videoFrames += s.framesDecoded ?? 0;
        });
        const video = pc.getSenders().find((s) => s.track?.kind === 'video');
        return { state: pc.connectionState, audioPackets, videoFrames, sendingVideo: video?.track?.label ?? null };
      }),
    );
  });
}

/** Every open connection of the page receives audio (and video): one per other participant. */
export async function hearsEveryone(p: Person, others: number, video: boolean) {
  await expect
    .poll(
      async () => {
        const stats = await peerStats(p.page);
        return stats.filter((s) => s.state === 'connected' && s.audioPackets > 0 && (!video || s.videoFrames > 0)).length;
      },
      { timeout: STEP_MS, interval: 250 },
    )
    .toBe(others);
  expect((await peerStats(p.page)).length).toBe(others);
}

export interface TrackStats {
  /** The receiving transceiver's mid on its connection (unique per page: the SFU's one connection). */
  mid: string;
  kind: 'audio' | 'video';
  /** Inbound packets (audio) or decoded frames (video). */
  count: number;
  /** The transceiver still receives (not made inactive by closing the pull). */
  pulling: boolean;
}

/** Per inbound track of the page's open connections: what it received, and whether it is still pulled. */
export function trackStats(page: Page): Promise<TrackStats[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.connectionState !== 'closed');
    const out: TrackStats[] = [];
    for (const pc of pcs) {
      const byMid = new Map<string, number>();
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' && s.mid !== undefined) byMid.set(s.mid, s.kind === 'audio' ? (s.packetsReceived ?? 0) : (s.framesDecoded ?? 0));
      });
      for (const t of pc.getTransceivers()) {
        if (!t.mid || t.currentDirection === 'sendonly' || t.currentDirection === null) continue;
        out.push({ mid: t.mid, kind: t.receiver.track.kind as 'audio' | 'video', count: byMid.get(t.mid) ?? 0, pulling: t.currentDirection === 'recvonly' || t.currentDirection === 'sendrecv' });
      }
    }
    return out;
  });
}

/**
 * The page receives `kind` on exactly `n` pulled tracks, each rising: sampled once they all
 * have media, then until every one of them has more.
 */
export async function receivesTracks(page: Page, kind: 'audio' | 'video', n: number) {
  const pulled = async () => (await trackStats(page)).filter((t) => t.kind === kind && t.pulling);
  await expect.poll(async () => (await pulled()).filter((t) => t.count > 0).length, { timeout: STEP_MS, interval: 250 }).toBe(n);
  const first = new Map((await pulled()).map((t) => [t.mid, t.count]));
  await expect
    .poll(async () => (await pulled()).filter((t) => t.count > (first.get(t.mid) ?? Infinity)).length, { timeout: STEP_MS, interval: 250 })
    .toBe(n);
  expect((await pulled()).length).toBe(n);
}

/** Milliseconds from the last call-button click to inbound audio on `others` tracks, whatever the transport (measured in the page). */
export function joinTime(page: Page, others: number): Promise<number> {
  return page.evaluate(async (n) => {
    const w = window as unknown as { __pcs: RTCPeerConnection[]; __clickAt: number };
    for (;;) {
      let hearing = 0;
      for (const pc of w.__pcs.filter((pc) => pc.connectionState !== 'closed')) {
        (await pc.getStats()).forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === 'audio' && (s.packetsReceived ?? 0) > 0) hearing += 1;
        });
      }
      if (hearing >= n) return Math.round(performance.now() - w.__clickAt);
      await new Promise((r) => setTimeout(r, 20));
    }
  }, others);
}

export async function groupOf(browser: Browser, baseUrl: string, names: string[], name: string, options: PersonOptions = probed) {
  const people: Person[] = [];
  for (const n of names) people.push(await signedIn(browser, n.toLowerCase(), n, options));
  const [owner, ...rest] = people;
  const { room } = await apiAs(owner!).post<{ room: { id: string } }>('/api/groups', { name, members: rest.map((p) => p.username) });
  for (const p of people) {
    await p.page.goto(`${baseUrl}/chat/${room.id}`, { timeout: STEP_MS });
    await connected(p.page);
  }
  return { people, roomId: room.id };
}

export async function joinFromBanner(p: Person) {
  await p.page.getByTestId('group-call-banner').waitFor({ timeout: STEP_MS });
  await p.page.getByTestId('group-call-join').click({ timeout: STEP_MS });
  await expect.poll(() => callScreen(p).getAttribute('data-phase'), { timeout: STEP_MS }).toBe('in-call');
}
