/**
 * Where link previews live in R2 (binding FILES): the preview of each link as JSON,
 * under a hash of the link (the cache: one fetch per link a day, whoever shares it),
 * and the copies of their pictures under random ids (knowing a link does not give
 * its picture's address, so nobody can probe which links were shared).
 */
import type { LinkPreview } from '../../durable-objects/protocol';
import { linkPreviewSchema } from '../../durable-objects/protocol';

export const PREVIEW_CACHE_MS = 24 * 3600_000;

export const previewImageKey = (id: string) => `link-previews/images/${id}`;

async function pageKey(link: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(link));
  return `link-previews/pages/${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export async function cachedPreview(bucket: R2Bucket, link: string, now = Date.now()): Promise<LinkPreview | undefined> {
  const object = await bucket.get(await pageKey(link));
  if (!object) return undefined;
  const fetchedAt = Number(object.customMetadata?.fetchedAt ?? 0);
  if (now - fetchedAt > PREVIEW_CACHE_MS) {
    await object.body.cancel();
    return undefined;
  }
  const parsed = linkPreviewSchema.safeParse(await object.json());
  return parsed.success && parsed.data.url === link ? parsed.data : undefined;
}

export async function cachePreview(bucket: R2Bucket, preview: LinkPreview, now = Date.now()): Promise<void> {
  await bucket.put(await pageKey(preview.url), JSON.stringify(preview), {
    httpMetadata: { contentType: 'application/json' },
    customMetadata: { fetchedAt: String(now) },
  });
}
