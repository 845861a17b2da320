/** Where uploads live in the R2 bucket (binding FILES), and how they are served back. */
import { contentDisposition } from './names';
import { IMAGE_TYPES } from './sniff';

export const attachmentKey = (roomId: string, id: string) => `rooms/${roomId}/${id}`;
export const thumbnailKey = (roomId: string, id: string) => `rooms/${roomId}/${id}/thumbnail`;
export const avatarKey = (avatarId: string) => `avatars/${avatarId}`;

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
