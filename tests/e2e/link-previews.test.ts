/**
 * Link previews end to end: the Worker fetches a local test site (the only origin
 * LINK_PREVIEW_ALLOW_HOSTS lets through), copies the picture into R2, caches the
 * preview, and a `send` naming the link carries it to the other member. Then the
 * hostile cases: redirects to other loopback ports, localhost, private, metadata and
 * IPv4-mapped addresses, a redirect loop, a huge body, a stalled body, non-HTML, and
 * pictures that are not pictures or live on a refused address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { LinkPreview, WireMessage } from '../../durable-objects/protocol';
import type { TestUser } from '../support/api';
import { connectAs, directPair, e2eApi, expectError } from '../support/e2e';
import { PNG_1PX, startPreviewSite, type PreviewSite } from '../support/preview-site';
import { closeAllSockets } from '../support/ws-client';

const api = e2eApi();
let site: PreviewSite;
let alice: TestUser;
let bob: TestUser;
let roomId: string;

beforeAll(async () => {
  site = await startPreviewSite(inject('linkPreviewPorts')[0]!);
  ({ alice, bob, roomId } = await directPair(api));
});
afterAll(async () => {
  await closeAllSockets();
  await site?.close();
});

/** A fresh spelling of a path on the test site, so no earlier test's cached preview answers. */
const fresh = (path: string) => `${site.origin}${path}?t=${crypto.randomUUID().slice(0, 8)}`;

const preview = (url: string, user = alice, room = roomId) => api.request('POST', `/api/rooms/${room}/link-previews`, { url }, user.token);

/** The reason the Worker gives for making no preview of `url` (200, `preview: null`). */
async function noPreviewOf(url: string): Promise<{ code: string; message: string }> {
  const res = await preview(url);
  const body = (await res.json()) as { preview: null; noPreview: { code: string; message: string } };
  expect(res.status, JSON.stringify(body)).toBe(200);
  expect(body.preview, url).toBeNull();
  return body.noPreview;
}

async function previewOf(url: string): Promise<LinkPreview> {
  const res = await preview(url);
  const body = (await res.json()) as { preview: LinkPreview };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.preview;
}

describe('link previews', () => {
  it('reads Open Graph tags, decodes their entities once, copies the picture and caches the preview', async () => {
    const url = fresh('/article');
    const got = await previewOf(`${url}#section`);
    expect(got).toMatchObject({
      url,
      title: 'Rock & Roll <b>history</b>',
      description: '<img src=x onerror=alert(1)> All about guitars.',
      siteName: 'Music Site',
    });
    expect(got.imageId).toMatch(/^[0-9a-f-]{36}$/);
    const image = await api.request('GET', `/api/link-previews/images/${got.imageId}`, undefined, bob.token);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await image.arrayBuffer()).equals(PNG_1PX)).toBe(true);
    await expectError(await api.request('GET', `/api/link-previews/images/${got.imageId}`), 401);

    const fetchesBefore = site.requests.length;
    expect(await previewOf(url)).toEqual(got);
    expect(site.requests.length, 'the second preview of the link came from the cache').toBe(fetchesBefore);
  });

  it('falls back to <title> and <meta name=description>, and follows a redirect within the allowed origin', async () => {
    const got = await previewOf(fresh('/redirect-ok'));
    expect(got).toMatchObject({ title: 'Only a title', description: 'Described plainly', siteName: null, imageId: null });
  });

  it('attaches the fetched preview to a send naming its link, for every member and in history', async () => {
    const url = fresh('/article');
    const got = await previewOf(url);
    const [a, b] = await Promise.all([connectAs(api, alice, roomId), connectAs(api, bob, roomId)]);
    a.send({ type: 'send', clientId: 'lp-1', content: `look ${url} !`, linkPreviewUrl: url });
    const live = (await b.inbox.next('message', (f) => f.message.clientId === 'lp-1')).message;
    expect(live.linkPreview).toEqual(got);

    // The link must be in the text, and be one the Worker fetched: otherwise the message goes without a preview.
    a.send({ type: 'send', clientId: 'lp-2', content: 'no link here', linkPreviewUrl: url });
    const unfetched = fresh('/plain');
    a.send({ type: 'send', clientId: 'lp-3', content: `see ${unfetched}`, linkPreviewUrl: unfetched });
    for (const clientId of ['lp-2', 'lp-3']) {
      const m = (await b.inbox.next('message', (f) => f.message.clientId === clientId)).message;
      expect(m.linkPreview, clientId).toBeUndefined();
    }
    const history = await api.json<{ messages: WireMessage[] }>('GET', `/api/rooms/${roomId}/messages?limit=10`, undefined, bob.token);
    expect(history.messages.find((m) => m.clientId === 'lp-1')?.linkPreview).toEqual(got);

    // Deleting the message drops its preview with its text.
    a.send({ type: 'delete', seq: live.seq });
    const deleted = (await b.inbox.next('updated', (f) => f.message.seq === live.seq)).message;
    expect(deleted.linkPreview).toBeUndefined();
    await Promise.all([a.close(), b.close()]);
  });

  it('is for members only', async () => {
    const { roomId: otherRoom } = await directPair(api);
    await expectError(await preview(fresh('/article'), alice, otherRoom), 403);
    await expectError(await api.request('POST', `/api/rooms/${roomId}/link-previews`, { url: fresh('/article') }), 401);
  });

  it('refuses links that are not http(s) or not URLs', async () => {
    for (const url of ['ftp://example.com/x', 'javascript:alert(1)', 'not a url', 'file:///etc/passwd']) {
      await expectError(await preview(url), 400);
    }
  });

  it('never fetches loopback, private, metadata or mapped addresses, directly or through a redirect', async () => {
    const direct = [`${site.trapOrigin}/admin`, `http://localhost:${new URL(site.origin).port}/article`, 'http://127.0.0.1/', 'http://[::1]/', 'http://10.0.0.1/',
      'http://169.254.169.254/latest/meta-data/', 'http://2130706433/', 'http://0x7f.1/', 'http://[::ffff:7f00:1]/', 'http://printer.local/'];
    for (const url of direct) {
      const error = await noPreviewOf(url);
      expect(error.code, url).toBe('link_refused');
      expect(error.message, url).toMatch(/not a public one|non-standard ports/);
    }
    for (const path of ['/redirect-loopback', '/redirect-localhost', '/redirect-private', '/redirect-metadata', '/redirect-mapped']) {
      const error = await noPreviewOf(fresh(path));
      expect(error.code, path).toBe('link_refused');
      expect(error.message, path).toMatch(/redirects to a place that gets no preview/);
    }
    expect((await noPreviewOf(fresh('/redirect-loop'))).code).toBe('no_preview');
    expect(site.trapRequests, 'nothing reached the local server on the other port').toEqual([]);
  });

  it('refuses non-HTML answers and reads no more than the first 256 KB of a huge page', async () => {
    expect(await noPreviewOf(fresh('/json'))).toEqual({ code: 'no_preview', message: 'the link is not a web page' });
    expect(await noPreviewOf(fresh('/missing'))).toEqual({ code: 'no_preview', message: 'the site answered 404' });
    const got = await previewOf(fresh('/huge'));
    expect(got.title).toBe('Huge page');
    // The site stops writing when the Worker hangs up: far short of its 50 MB (socket buffers hold a few MB at most).
    expect(await site.hugeWritten).toBeLessThan(16 * 1024 * 1024);
  });

  it('gives up on a page that stalls, within the deadline', async () => {
    for (const path of ['/stall', '/slow-headers']) {
      const started = Date.now();
      expect((await noPreviewOf(fresh(path))).code, path).toBe('preview_timeout');
      // LINK_PREVIEW_TIMEOUT_MS is 3 s in the tests; generous slack for a loaded machine.
      expect(Date.now() - started, path).toBeLessThan(20_000);
    }
  });

  it('drops a picture that is not one, or that lives on a refused address', async () => {
    const bad = await previewOf(fresh('/bad-image'));
    expect(bad).toMatchObject({ title: 'Bad picture', imageId: null });
    const sneaky = await previewOf(fresh('/image-to-loopback'));
    expect(sneaky).toMatchObject({ title: 'Sneaky picture', imageId: null });
    expect(site.trapRequests).toEqual([]);
  });
});
