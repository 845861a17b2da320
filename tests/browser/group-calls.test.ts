/**
 * Group calls in real browsers (headless Chromium, fake camera, microphone and screen): a
 * 3-person video mesh where every page receives RTP (audio and video) from both others and
 * shows its connection quality to each on their tile, one
 * person leaving and joining again from the "Call in progress — Join" banner, a screen shared
 * in the group (shown large), and a 4-person voice call whose joins are timed (click → remote
 * audio from everyone already in) before a fifth person is told the call is full.
 *
 * The pages are probed, not modified: an init script records each page's RTCPeerConnections
 * (window.__pcs) and the time of the last click on a call button (window.__clickAt).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { apiAs, browserPerFile, recordPeerConnections, closeAll, connected, shot, signedIn, type Person, type PersonOptions } from '../support/browser';

const files = browserPerFile();
/** Several Chromium pages encoding and decoding each other's media: slow on a loaded 2-core machine. */
const CALL_TEST_TIMEOUT_MS = 900_000;
/** How long one step may take there (a click waits for a renderer starved at a load average of 40). */
const STEP_MS = 120_000;

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

const started = Date.now();
const step = (what: string) => console.log(`[group-calls +${((Date.now() - started) / 1000).toFixed(1)} s] ${what}`);
const probed: PersonOptions = { initScripts: [recordPeerConnections, clickTimes] };
const callScreen = (p: Person) => p.page.getByTestId('group-call-screen');
const tiles = (p: Person) => p.page.getByTestId('gcall-tile');

interface PeerStats {
  state: string;
  audioPackets: number;
  videoFrames: number;
  sendingVideo: string | null;
}

/** Per open peer connection of the page: inbound audio packets and decoded video frames. */
function peerStats(page: Page): Promise<PeerStats[]> {
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
async function hearsEveryone(p: Person, others: number, video: boolean) {
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

/** Milliseconds from the last call-button click to inbound audio on `others` connections (measured in the page). */
function joinTime(page: Page, others: number): Promise<number> {
  return page.evaluate(async (n) => {
    const w = window as unknown as { __pcs: RTCPeerConnection[]; __clickAt: number };
    for (;;) {
      const pcs = w.__pcs.filter((pc) => pc.connectionState !== 'closed');
      let hearing = 0;
      for (const pc of pcs) {
        let packets = 0;
        (await pc.getStats()).forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === 'audio') packets += s.packetsReceived ?? 0;
        });
        if (packets > 0) hearing += 1;
      }
      if (hearing >= n) return Math.round(performance.now() - w.__clickAt);
      await new Promise((r) => setTimeout(r, 20));
    }
  }, others);
}

async function groupOf(names: string[], name: string) {
  const people: Person[] = [];
  for (const n of names) people.push(await signedIn(files.browser, n.toLowerCase(), n, probed));
  const [owner, ...rest] = people;
  const { room } = await apiAs(owner!).post<{ room: { id: string } }>('/api/groups', { name, members: rest.map((p) => p.username) });
  for (const p of people) {
    await p.page.goto(`${files.baseUrl}/chat/${room.id}`, { timeout: STEP_MS });
    await connected(p.page);
  }
  return { people, roomId: room.id };
}

async function joinFromBanner(p: Person) {
  await p.page.getByTestId('group-call-banner').waitFor({ timeout: STEP_MS });
  await p.page.getByTestId('group-call-join').click({ timeout: STEP_MS });
  await expect.poll(() => callScreen(p).getAttribute('data-phase'), { timeout: STEP_MS }).toBe('in-call');
}

describe('group calls', () => {
  it('3-person video mesh: everyone receives everyone, one leaves and rejoins, a shared screen is shown large', async () => {
    const { people, roomId } = await groupOf(['Ann', 'Ben', 'Cat'], 'Mesh trio');
    const [ann, ben, cat] = people as [Person, Person, Person];
    // Pages left in a call would load the machine for the next test: closed whatever happens.
    onTestFinished(() => closeAll(...people));

    step('group ready');
    await ann.page.getByTestId('group-call-video-button').click({ timeout: STEP_MS });
    await expect.poll(() => callScreen(ann).getAttribute('data-phase'), { timeout: STEP_MS }).toBe('in-call');
    // The others see who is in it, and join from the banner.
    await expect.poll(() => ben.page.getByTestId('group-call-banner-who').textContent(), { timeout: STEP_MS }).toBe('Ann is in it');
    step('banner seen');
    await shot(ben.page, 'group-call-banner');
    await joinFromBanner(ben);
    await joinFromBanner(cat);
    step('joined');
    for (const p of people) {
      await expect.poll(() => tiles(p).count(), { timeout: STEP_MS }).toBe(3);
      step(`${p.displayName} has 3 tiles`);
      await hearsEveryone(p, 2, true);
      step(`${p.displayName} hears everyone`);
    }
    // Each remote tile shows my connection's quality to that person (getStats), with a text alternative; mine shows none.
    for (const p of people) {
      const quality = p.page.locator(`[data-testid=gcall-tile]:not([data-user-id="${p.id}"]) [data-testid=gcall-quality]`);
      await expect
        .poll(() => quality.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-quality')}: ${e.getAttribute('role')} ${e.getAttribute('aria-label')}`)), { timeout: STEP_MS })
        .toEqual([expect.stringMatching(/^(good|fair|poor): img (Good|Fair|Poor) connection$/), expect.stringMatching(/^(good|fair|poor): img (Good|Fair|Poor) connection$/)]);
      expect(await p.page.locator(`[data-testid=gcall-tile][data-user-id="${p.id}"] [data-testid=gcall-quality]`).count()).toBe(0);
    }
    await shot(ann.page, 'group-call-3');

    // Cat leaves: the others drop her connection and tile; the banner is back for her.
    await cat.page.getByTestId('gcall-leave').click({ timeout: STEP_MS });
    step('Cat left');
    await callScreen(cat).waitFor({ state: 'detached', timeout: 10_000 });
    for (const p of [ann, ben]) {
      await expect.poll(() => tiles(p).count(), { timeout: STEP_MS }).toBe(2);
      await expect.poll(async () => (await peerStats(p.page)).length, { timeout: STEP_MS }).toBe(1);
    }
    await expect.poll(() => cat.page.getByTestId('group-call-banner-who').textContent(), { timeout: STEP_MS }).toBe('Ann and Ben are in it');
    // …and rejoins: new connections, media both ways again.
    await joinFromBanner(cat);
    step('Cat rejoined');
    for (const p of people) {
      await expect.poll(() => tiles(p).count(), { timeout: STEP_MS }).toBe(3);
      await hearsEveryone(p, 2, true);
    }

    // Ann shares her screen: it goes out on both her connections, and is the stage tile for everyone.
    // The click waits for the page, whose main thread is busy with three video streams on a loaded machine.
    await ann.page.getByRole('button', { name: 'Share screen' }).click({ timeout: STEP_MS });
    await expect.poll(async () => (await peerStats(ann.page)).map((s) => s.sendingVideo?.startsWith('screen:')), { timeout: STEP_MS }).toEqual([true, true]);
    for (const p of [ben, cat]) {
      await expect.poll(() => callScreen(p).getAttribute('data-stage'), { timeout: STEP_MS }).toBe(ann.id);
      const frames = (await peerStats(p.page)).map((s) => s.videoFrames);
      // Still decoding video from both others.
      await expect.poll(async () => (await peerStats(p.page)).filter((s, i) => s.videoFrames > frames[i]!).length, { timeout: STEP_MS }).toBe(2);
    }
    await shot(ben.page, 'group-call-screen-share');

    // Everyone leaves: the call ends, and the log has the three of them.
    step('screen shared');
    for (const p of people) await p.page.getByTestId('gcall-leave').click({ timeout: STEP_MS });
    await expect
      .poll(async () => (await apiAs(ann).get<{ calls: { kind: string; status: string; participants?: { status: string }[] }[] }>(`/api/rooms/${roomId}/calls`)).calls[0], { timeout: STEP_MS })
      .toMatchObject({ kind: 'group', status: 'accepted', participants: [{ status: 'joined' }, { status: 'joined' }, { status: 'joined' }] });
    await closeAll(...people);
  }, CALL_TEST_TIMEOUT_MS);

  it('4-person voice mesh: join times for 2, 3 and 4 people; a fifth is told the call is full', async () => {
    const { people } = await groupOf(['Dan', 'Eve', 'Fay', 'Gus', 'Hal'], 'Full house');
    onTestFinished(() => closeAll(...people));
    const [dan, ...joiners] = people as [Person, Person, Person, Person, Person];
    const hal = joiners.pop()!;

    step('group of five ready');
    await dan.page.getByTestId('group-call-voice-button').click({ timeout: STEP_MS });
    await expect.poll(() => callScreen(dan).getAttribute('data-phase'), { timeout: STEP_MS }).toBe('in-call');
    const times: Record<number, number> = {};
    for (const [i, p] of joiners.entries()) {
      await p.page.getByTestId('group-call-banner').waitFor({ timeout: STEP_MS });
      await p.page.getByTestId('group-call-join').click({ timeout: STEP_MS });
      times[i + 2] = await joinTime(p.page, i + 1);
      step(`${p.displayName} joined: ${times[i + 2]} ms`);
    }
    console.log(`[group-call join times] click → remote audio from everyone already in: ${JSON.stringify(times)} ms`);
    for (const p of [dan, ...joiners]) await hearsEveryone(p, 3, false);

    // The fifth: the banner says it is full, and the Join button is off.
    await hal.page.getByTestId('group-call-banner').waitFor({ timeout: STEP_MS });
    await expect.poll(() => hal.page.getByTestId('group-call-banner').textContent()).toMatch(/full \(4 people at most\)/);
    expect(await hal.page.getByTestId('group-call-join').isDisabled()).toBe(true);
    for (const p of [dan, ...joiners]) await p.page.getByTestId('gcall-leave').click({ timeout: STEP_MS });
    await closeAll(...people);
  }, CALL_TEST_TIMEOUT_MS);
});
