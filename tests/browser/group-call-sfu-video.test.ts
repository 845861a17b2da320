/**
 * A video call beyond the mesh, in real browsers (headless Chromium, fake camera and microphone,
 * the camera held small: group-call-probes `probedSmallCamera`) through the Worker's Realtime
 * proxy and the local Realtime stand-in (werift) that the test setup starts in place of
 * Cloudflare's service.
 *
 * Five people join a video call (the fifth moves it to the SFU): every page decodes video, and
 * hears audio, from each of the four others, on one connection. (A track the SFU stops
 * forwarding while the connection stays up is not healed yet: the stand-in can cause it,
 * `fault/stop-forwarding`, but the client does not re-pull: docs/performance.md, "Beyond the mesh".)
 *
 * It also prints, asserting none: the time from the fifth click to video from everyone, and the
 * largest SDP the browsers sent.
 */
import os from 'node:os';
import { describe, expect, it, onTestFinished } from 'vitest';
import { browserPerFile, closeAll, shot, type Person } from '../support/browser';
import {
  CALL_TEST_TIMEOUT_MS,
  STEP_MS,
  callScreen,
  groupOf,
  joinFromBanner,
  probedSmallCamera,
  receivesTracks,
  stepLogger,
  tiles,
} from '../support/group-call-probes';

const files = browserPerFile();
const step = stepLogger('group-call-sfu-video');

describe('video calls over the SFU', () => {
  it('five people in a video call: everyone sees and hears the four others', async () => {
    const { people } = await groupOf(files.browser, files.baseUrl, ['Ida', 'Jon', 'Kim', 'Lou', 'Max'], 'Big video call', probedSmallCamera);
    onTestFinished(() => closeAll(...people));
    const [ida, ...others] = people as [Person, ...Person[]];
    // The largest SDP anyone sent.
    let largestBody = 0;
    for (const p of people) {
      p.page.on('request', (req) => {
        if (req.url().includes('/sfu/')) largestBody = Math.max(largestBody, req.postData()?.length ?? 0);
      });
    }

    await ida.page.getByTestId('group-call-video-button').click({ timeout: STEP_MS });
    await expect.poll(() => callScreen(ida).getAttribute('data-phase'), { timeout: STEP_MS }).toBe('in-call');
    for (const p of others) {
      await joinFromBanner(p);
      step(`${p.displayName} joined`);
    }
    const moved = performance.now();
    // Everyone: a video track from each of the four others, decoding (frames rising), and their audio.
    for (const p of people) {
      await expect.poll(() => tiles(p).count(), { timeout: STEP_MS }).toBe(5);
      await receivesTracks(p.page, 'video', 4);
      step(`${p.displayName} sees the four others`);
      await receivesTracks(p.page, 'audio', 4);
    }
    const allSeen = performance.now();
    await shot(ida.page, 'group-call-sfu-video-5');

    console.log(
      `[group-call-sfu video] 5 people, 320×240 cameras: video from all four others on every page ${((allSeen - moved) / 1000).toFixed(1)} s after the fifth joined; ` +
        `largest SDP body ${(largestBody / 1024).toFixed(1)} KiB; load ${os.loadavg()[0]!.toFixed(1)}`,
    );
    await closeAll(...people);
  }, CALL_TEST_TIMEOUT_MS);
});
