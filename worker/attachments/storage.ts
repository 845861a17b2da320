/** How uploads are served back from the R2 bucket (their keys: durable-objects/shared/r2-keys.ts). */
import { contentDisposition } from './names';
import { IMAGE_TYPES } from './sniff';

/**
 * An uploaded object as a response that can never act as a page of the app's origin:
 * the type found at upload, nosniff, a sandboxing CSP that allows nothing, and
 * `attachment` for everything but images (which <img> shows inline).
 */
export function serveObject(object: R2ObjectBody, name: string, cacheControl: string): Response {
  const contentType = object.httpMetadata?.contentType ?? 'application/octet-stream';
  const headers = new Headers({
    'content-type': contentType,
    'content-length': String(object.size),
    'content-disposition': contentDisposition(IMAGE_TYPES.has(contentType) ? 'inline' : 'attachment', name),
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': cacheControl,
    etag: object.httpEtag,
  });
  return new Response(object.body, { headers });
}
