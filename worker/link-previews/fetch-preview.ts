/**
 * Making a link's preview: the page (HTML only, its first MAX_PAGE_BYTES), its Open
 * Graph tags, and its picture copied into R2 (type checked on the bytes, at most
 * MAX_PREVIEW_IMAGE_BYTES) so that recipients load it from us, never from the site.
 * Each fetch runs through guardedFetch: address checks on every hop, a deadline.
 */
import type { LinkPreview } from '../../durable-objects/protocol';
import { IMAGE_TYPES, SNIFF_BYTES, mediaType, sniffType } from '../attachments/sniff';
import type { AllowedHosts } from './address-guard';
import { guardedFetch, noPreview, readLimited } from './guarded-fetch';
import { readPageMeta } from './page-meta';
import { previewImageKey } from './storage';

/** Open Graph tags live in <head>: the first 256 KB of a page carry them. */
export const MAX_PAGE_BYTES = 256 * 1024;
export const MAX_PREVIEW_IMAGE_BYTES = 1024 * 1024;

export interface PreviewSettings {
  allowed: AllowedHosts;
  /** For the page, and again for its picture. */
  timeoutMs: number;
}

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);

export async function fetchPreview(bucket: R2Bucket, key: string, settings: PreviewSettings): Promise<LinkPreview> {
  const signal = AbortSignal.timeout(settings.timeoutMs);
  const { response, url } = await guardedFetch(new URL(key), 'text/html,application/xhtml+xml', settings.allowed, signal);
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw noPreview('no_preview', `the site answered ${response.status}`);
  }
  const contentType = response.headers.get('content-type');
  if (!HTML_TYPES.has(mediaType(contentType))) {
    await response.body?.cancel().catch(() => {});
    throw noPreview('no_preview', 'the link is not a web page');
  }
  const { bytes } = await readLimited(response, MAX_PAGE_BYTES, signal);
  const meta = await readPageMeta(decodeText(bytes, contentType));
  if (!meta.title) throw noPreview('no_preview', 'the page has no title');
  const imageId = meta.image ? await copyImage(bucket, meta.image, url, settings) : null;
  return { url: key, title: meta.title, description: meta.description, siteName: meta.siteName, imageId };
}

function decodeText(bytes: Uint8Array, contentType: string | null): string {
  const charset = /charset=["']?([\w-]+)/i.exec(contentType ?? '')?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** The page's picture as an R2 copy's id, or null when it cannot be had safely (never fails the preview). */
async function copyImage(bucket: R2Bucket, src: string, page: URL, settings: PreviewSettings): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(src, page);
  } catch {
    return null;
  }
  url.hash = '';
  const signal = AbortSignal.timeout(settings.timeoutMs);
  try {
    const { response } = await guardedFetch(url, [...IMAGE_TYPES].join(','), settings.allowed, signal);
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (!response.ok || declared > MAX_PREVIEW_IMAGE_BYTES) {
      await response.body?.cancel().catch(() => {});
      return null;
    }
    const { bytes, truncated } = await readLimited(response, MAX_PREVIEW_IMAGE_BYTES, signal);
    const type = sniffType(bytes.subarray(0, SNIFF_BYTES), response.headers.get('content-type'));
    if (truncated || !type || !IMAGE_TYPES.has(type)) return null;
    const id = crypto.randomUUID();
    await bucket.put(previewImageKey(id), bytes, { httpMetadata: { contentType: type }, customMetadata: { kind: 'link-preview-image' } });
    return id;
  } catch {
    // Refused, too slow or unreachable: the preview goes without a picture.
    return null;
  }
}
