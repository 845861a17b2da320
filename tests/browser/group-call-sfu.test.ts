/**
 * A group call beyond the mesh, in real browsers (headless Chromium, fake devices, one browser
 * with a context per person) through the app's SFU path: the Worker's Realtime proxy and the
 * local Realtime stand-in (werift) that the test setup starts in place of Cloudflare's service.
 *
 * Four people join a voice call one by one (a mesh; join times click → remote audio from all
 * already in); a fifth joins and the call moves to the SFU: each page then has one connection
 * on which it receives a rising audio track from every other participant; one leaves, and the others stop pulling that person's
 * tracks (their transceivers go inactive) while the remaining tracks keep rising. The fifth's
 * first publish fails once (a 503 from the call server) and is retried without a media change. Then the SFU
 * loses one person's session (the stand-in's fault endpoint): that browser rebuilds its connection
 * on a new session, and everyone hears everyone again.
 *
 * It also prints figures for docs/performance.md (asserting none): the join times, and the
 * CPU of the whole Chromium while four people talk, first over the mesh, then over the SFU,
 * from CDP's SystemInfo.getProcessInfo, over windows that end on media received (not on time).
 */
import fs from 'node:fs';
import os from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { allowConsoleErrors, browserPerFile, closeAll, shot, type Person } from '../support/browser';
import {
  CALL_TEST_TIMEOUT_MS,
  STEP_MS,
  callScreen,
  groupOf,
  hearsEveryone,
  joinFromBanner,
  joinTime,
  peerStats,
  receivesTracks,
  stepLogger,
  tiles,
  trackStats,
} from '../support/group-call-probes';

const files = browserPerFile();
const step = stepLogger('group-call-sfu');

/** Chromium's CPU seconds so far, all its processes (browser, GPU, network, every page's renderer). */
async function chromiumCpuSeconds(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { cpuTime: number }[] };
    return processInfo.reduce((sum, p) => sum + p.cpuTime, 0);
  } finally {
    await cdp.detach();
  }
}

/** CPU seconds so far of the Realtime stand-in's process (utime + stime from /proc; 100 ticks a second on Linux). */
function standinCpuSeconds(): number {
  const stat = fs.readFileSync(`/proc/${inject('sfuPid')}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  return (f[11]! + f[12]!) / 100;
}

/** Inbound audio packets of a page, all tracks together. */
async function audioPackets(page: Page): Promise<number> {
  return (await trackStats(page)).filter((t) => t.kind === 'audio').reduce((sum, t) => sum + t.count, 0);
}

/**
 * Cores Chromium kept busy while `people` talked, over a window that ends when every one of
 * them has received `packets` more audio packets from each of the others (≈ 20 ms of sound each).
 */
async function cpuWhileTalking(browser: Browser, people: Person[], packets: number) {
  const before = await Promise.all(people.map((p) => audioPackets(p.page)));
  const [cpu0, sfu0, t0] = [await chromiumCpuSeconds(browser), standinCpuSeconds(), performance.now()];
  const others = people.length - 1;
  await expect
    .poll(async () => (await Promise.all(people.map(async (p, i) => (await audioPackets(p.page)) - before[i]! >= packets * others))).every(Boolean), { timeout: STEP_MS, interval: 500 })
    .toBe(true);
  const [cpu1, sfu1, t1] = [await chromiumCpuSeconds(browser), standinCpuSeconds(), performance.now()];
  const seconds = (t1 - t0) / 1000;
  return { cores: (cpu1 - cpu0) / seconds, standinCores: (sfu1 - sfu0) / seconds, seconds, load: os.loadavg()[0]! };
}

describe('group calls over the SFU', () => {
  it('a fifth person moves a voice call to the SFU: everyone receives everyone, and a leaver is no longer pulled', async () => {
    const { people } = await groupOf(files.browser, files.baseUrl, ['Dan', 'Eve', 'Fay', 'Gus', 'Hal'], 'Big call');
    onTestFinished(() => closeAll(...people));
    const [dan, eve, fay, gus, hal] = people as [Person, Person, Person, Person, Person];
    // Gus's Realtime sessions, as the Worker hands them out (the fault below drops the latest).
    const gusSessions: string[] = [];
    gus.page.on('response', (res) => {
      if (res.request().method() === 'POST' && res.url().endsWith('/sfu/session') && res.ok()) void res.json().then((b: { sessionId: string }) => gusSessions.push(b.sessionId));
    });

    step('group of five ready');
    await dan.page.getByTestId('group-call-voice-button').click({ timeout: STEP_MS });
    await expect.poll(() => callScreen(dan).getAttribute('data-phase'), { timeout: STEP_MS }).toBe('in-call');
    const times: Record<number, number> = {};
    for (const [i, p] of [eve, fay, gus].entries()) {
      await p.page.getByTestId('group-call-banner').waitFor({ timeout: STEP_MS });
      await p.page.getByTestId('group-call-join').click({ timeout: STEP_MS });
      times[i + 2] = await joinTime(p.page, i + 1);
      step(`${p.displayName} joined the mesh: ${times[i + 2]} ms`);
    }
    const mesh = [dan, eve, fay, gus];
    for (const p of mesh) await hearsEveryone(p, 3, false);
    const meshCpu = await cpuWhileTalking(files.browser, mesh, 250);
    step(`4-person mesh: Chromium ${meshCpu.cores.toFixed(2)} cores over ${meshCpu.seconds.toFixed(1)} s, load ${meshCpu.load}`);

    // The fifth: the call is not full (the SFU takes more), and joining moves it there. The call
    // server fails Hal's first publish once: his browser tries again by itself (nothing about his
    // media changes), so the others still hear him and his notice goes away.
    let halPublishes = 0;
    allowConsoleErrors(/status of 503 .*\/sfu\/publish$/);
    await hal.page.route('**/sfu/publish', (route) =>
      halPublishes++ === 0
        ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'sfu_unavailable', message: 'The call server failed (test).' } }) })
        : route.continue(),
    );
    await hal.page.getByTestId('group-call-banner').waitFor({ timeout: STEP_MS });
    expect(await hal.page.getByTestId('group-call-join').isDisabled()).toBe(false);
    await hal.page.getByTestId('group-call-join').click({ timeout: STEP_MS });
    times[5] = await joinTime(hal.page, 4);
    step(`Hal joined over the SFU: ${times[5]} ms`);
    console.log(`[group-call join times] click → remote audio from everyone already in (2–4 mesh, 5 SFU): ${JSON.stringify(times)} ms`);

    // Everyone: one connection (to the SFU), a rising audio track from each of the four others.
    for (const p of people) {
      await expect.poll(async () => (await peerStats(p.page)).length, { timeout: STEP_MS }).toBe(1);
      await receivesTracks(p.page, 'audio', 4);
      await expect.poll(() => tiles(p).count(), { timeout: STEP_MS }).toBe(5);
      step(`${p.displayName} receives audio from the four others over the SFU`);
    }
    expect(halPublishes).toBeGreaterThan(1);
    await expect.poll(() => hal.page.locator('.call__notice').count(), { timeout: STEP_MS }).toBe(0);
    await shot(hal.page, 'group-call-sfu-5');

    // Fay leaves: the others close her track (inactive), the other three keep rising.
    await fay.page.getByTestId('gcall-leave').click({ timeout: STEP_MS });
    await callScreen(fay).waitFor({ state: 'detached', timeout: STEP_MS });
    const stayed = [dan, eve, gus, hal];
    for (const p of stayed) {
      await expect.poll(async () => (await trackStats(p.page)).filter((t) => t.kind === 'audio' && !t.pulling).length, { timeout: STEP_MS }).toBe(1);
      await receivesTracks(p.page, 'audio', 3);
      await expect.poll(() => tiles(p).count(), { timeout: STEP_MS }).toBe(4);
      step(`${p.displayName} no longer pulls Fay`);
    }
    // Four people still, now over the SFU: the same window as the mesh's.
    const sfuCpu = await cpuWhileTalking(files.browser, stayed, 250);
    step(`4-person SFU: Chromium ${sfuCpu.cores.toFixed(2)} cores over ${sfuCpu.seconds.toFixed(1)} s, load ${sfuCpu.load}`);
    console.log(
      `[group-call cpu] 4 people talking, Chromium (all processes): mesh ${meshCpu.cores.toFixed(2)} cores (load ${meshCpu.load.toFixed(1)}), ` +
        `SFU ${sfuCpu.cores.toFixed(2)} cores (load ${sfuCpu.load.toFixed(1)}), SFU/mesh ${(sfuCpu.cores / meshCpu.cores).toFixed(2)}; ` +
        `the local stand-in forwarding meanwhile: ${sfuCpu.standinCores.toFixed(2)} cores (mesh window ${meshCpu.standinCores.toFixed(2)})`,
    );

    // The SFU loses Gus's session (its side of his connection goes, his tracks end for everyone):
    // his browser rebuilds the connection on a new session and publishes again; the others pull
    // his new tracks, and everyone hears everyone again.
    const lost = gusSessions.at(-1)!;
    const dropped = await fetch(`${inject('sfuUrl')}/apps/${inject('sfuAppId')}/sessions/${lost}/fault/drop`, {
      method: 'POST',
      headers: { authorization: `Bearer ${inject('sfuToken')}` },
    });
    expect(dropped.status).toBe(200);
    await expect.poll(() => gusSessions.length, { timeout: STEP_MS }).toBeGreaterThan(gusSessions.indexOf(lost) + 1);
    step('Gus rebuilt his connection on a new session');
    for (const p of stayed) {
      await expect.poll(async () => (await peerStats(p.page)).length, { timeout: STEP_MS }).toBe(1);
      // Gus's old track closed (inactive, as Fay's is), then three rising: his new one among them.
      if (p !== gus) await expect.poll(async () => (await trackStats(p.page)).filter((t) => t.kind === 'audio' && !t.pulling).length, { timeout: STEP_MS }).toBe(2);
      await receivesTracks(p.page, 'audio', 3);
      step(`${p.displayName} hears the three others after Gus's rebuild`);
    }

    // One by one, each time until the others have closed the leaver's track: no negotiation is
    // left half-way in a page that leaves next.
    const remaining = [...stayed];
    while (remaining.length) {
      await remaining.shift()!.page.getByTestId('gcall-leave').click({ timeout: STEP_MS });
      for (const p of remaining) {
        await expect.poll(async () => (await trackStats(p.page)).filter((t) => t.kind === 'audio' && t.pulling).length, { timeout: STEP_MS }).toBe(remaining.length - 1);
      }
    }
    await closeAll(...people);
  }, CALL_TEST_TIMEOUT_MS);
});
