/**
 * Group calls in real browsers (headless Chromium, fake camera, microphone and screen): a
 * 3-person video mesh where every page receives RTP (audio and video) from both others and
 * shows its connection quality to each on their tile, one person leaving and joining again
 * from the "Call in progress — Join" banner, and a screen shared in the group (shown large).
 * Calls beyond the mesh (over the SFU), with join times: group-call-sfu.test.ts.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { apiAs, browserPerFile, closeAll, shot, type Person } from '../support/browser';
import { CALL_TEST_TIMEOUT_MS, STEP_MS, callScreen, groupOf, hearsEveryone, joinFromBanner, peerStats, stepLogger, tiles } from '../support/group-call-probes';

const files = browserPerFile();
const step = stepLogger('group-calls');

describe('group calls', () => {
  it('3-person video mesh: everyone receives everyone, one leaves and rejoins, a shared screen is shown large', async () => {
    const { people, roomId } = await groupOf(files.browser, files.baseUrl, ['Ann', 'Ben', 'Cat'], 'Mesh trio');
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
});
