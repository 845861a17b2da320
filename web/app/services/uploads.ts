/**
 * Uploads and authorised downloads of files (the bytes of attachments and avatars).
 * Uploads use XMLHttpRequest for its upload progress events; both send the bearer
 * token and renew it once on 401, like `request` in api.ts.
 */
import type { Attachment, AttachmentKind } from '../lib/protocol';
import { ApiError, apiErrorFrom, withToken, type PublicUser } from './api';

/** No progress for this long: the link is taken as dead (the upload is retried). */
const STALL_MS = 30_000;

export interface PutOptions {
  method: 'POST' | 'PUT';
  path: string;
  body: Blob;
  onProgress?(fraction: number): void;
  signal?: AbortSignal;
}

function sendOnce(options: PutOptions, token: string | null): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    let stall: ReturnType<typeof setTimeout> | undefined;
    const armStall = () => {
      clearTimeout(stall);
      stall = setTimeout(() => xhr.abort(), STALL_MS);
    };
    const done = () => {
      clearTimeout(stall);
      options.signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => xhr.abort();
    xhr.open(options.method, options.path);
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('content-type', options.body.type || 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      armStall();
      if (e.lengthComputable && e.total > 0) options.onProgress?.(e.loaded / e.total);
    };
    xhr.onload = () => {
      done();
      resolve({ status: xhr.status, body: xhr.responseText });
    };
    xhr.onerror = () => {
      done();
      reject(new ApiError(0, 'network', "Can't reach the server. Check your connection."));
    };
    xhr.onabort = () => {
      done();
      reject(
        options.signal?.aborted
          ? new DOMException('cancelled', 'AbortError')
          : new ApiError(0, 'network', 'The upload stalled. Check your connection.')
      );
    };
    options.signal?.addEventListener('abort', onAbort);
    armStall();
    xhr.send(options.body);
  });
}

/** Sends a file; resolves to the parsed JSON reply (undefined for 204). */
export async function putFile<T>(options: PutOptions): Promise<T> {
  const reply = await withToken((token) => sendOnce(options, token));
  if (reply.status < 200 || reply.status >= 300) throw apiErrorFrom(reply.status, reply.body);
  return (reply.body ? JSON.parse(reply.body) : undefined) as T;
}

export interface AttachmentMeta {
  kind: AttachmentKind;
  name: string;
  width?: number;
  height?: number;
  durationMs?: number;
  /** Voice notes: the recorder's peaks (0–100). */
  waveform?: number[];
}

export function uploadAttachment(
  roomId: string,
  file: Blob,
  meta: AttachmentMeta,
  onProgress: (f: number) => void,
  signal: AbortSignal
) {
  const query = new URLSearchParams({ kind: meta.kind, name: meta.name });
  for (const key of ['width', 'height', 'durationMs'] as const) {
    const value = meta[key];
    if (value !== undefined) query.set(key, String(Math.round(value)));
  }
  if (meta.waveform?.length) query.set('waveform', meta.waveform.join(','));
  return putFile<{ attachment: Attachment }>({
    method: 'POST',
    path: `/api/rooms/${encodeURIComponent(roomId)}/attachments?${query}`,
    body: file,
    onProgress,
    signal,
  }).then((r) => r.attachment);
}

export function uploadThumbnail(roomId: string, attachmentId: string, thumbnail: Blob, signal: AbortSignal) {
  return putFile<void>({
    method: 'PUT',
    path: `/api/rooms/${encodeURIComponent(roomId)}/attachments/${encodeURIComponent(attachmentId)}/thumbnail`,
    body: thumbnail,
    signal,
  });
}

export function uploadAvatar(image: Blob) {
  return putFile<{ user: PublicUser }>({ method: 'PUT', path: '/api/me/avatar', body: image }).then((r) => r.user);
}

export function uploadGroupPicture(roomId: string, image: Blob) {
  return putFile<unknown>({ method: 'PUT', path: `/api/groups/${encodeURIComponent(roomId)}/avatar`, body: image });
}

/** The public URL of a profile picture. */
export const avatarUrl = (avatarId: string) => `/api/avatars/${encodeURIComponent(avatarId)}`;

const DOWNLOAD_TIMEOUT_MS = 60_000;

/** An attachment's bytes (members only, so with the token), as a Blob. */
export function fetchAttachment(roomId: string, attachmentId: string, variant: 'full' | 'thumbnail'): Promise<Blob> {
  return fetchWithToken(
    `/api/rooms/${encodeURIComponent(roomId)}/attachments/${encodeURIComponent(attachmentId)}${variant === 'thumbnail' ? '/thumbnail' : ''}`,
  );
}

/** A group's picture (members only). */
export function fetchGroupPicture(roomId: string, avatarId: string): Promise<Blob> {
  return fetchWithToken(`/api/groups/${encodeURIComponent(roomId)}/avatar/${encodeURIComponent(avatarId)}`);
}

/** A link preview's picture: the Worker's copy (the linked site is never contacted from here). */
export function fetchLinkPreviewImage(imageId: string): Promise<Blob> {
  return fetchWithToken(`/api/link-previews/images/${encodeURIComponent(imageId)}`);
}

/** GETs bytes the API serves to signed-in people only, refreshing the token once on a 401. */
async function fetchWithToken(path: string): Promise<Blob> {
  const get = (token: string | null) =>
    fetch(path, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      credentials: 'same-origin',
      signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
    }).catch(() => {
      throw new ApiError(0, 'network', "Can't reach the server. Check your connection.");
    });
  const res = await withToken(get);
  if (!res.ok) throw apiErrorFrom(res.status, await res.text().catch(() => ''));
  return res.blob();
}
