/**
 * An attachment's bytes as an object URL for <img>, <audio> and download links.
 * Attachments are for members only, so they are fetched with the token (not by URL);
 * one fetch per attachment and variant per page, shared by every bubble that shows it.
 */
import { useEffect, useState } from 'react';
import { errorMessage } from '../services/api';
import { fetchAttachment, fetchGroupPicture, fetchLinkPreviewImage } from '../services/uploads';

const cache = new Map<string, Promise<string>>();

export function attachmentObjectUrl(roomId: string, attachmentId: string, variant: 'full' | 'thumbnail'): Promise<string> {
  return cachedObjectUrl(`${roomId}/${attachmentId}/${variant}`, () => fetchAttachment(roomId, attachmentId, variant));
}

/** A link preview's picture (the Worker's copy) as an object URL. */
export function useLinkPreviewImageUrl(imageId: string): AttachmentUrl {
  return useObjectUrl(`link-preview/${imageId}`, () => fetchLinkPreviewImage(imageId), true);
}

/** A group's picture (members only, so fetched with the token) as an object URL; null while loading or with none. */
export function useGroupPictureUrl(roomId: string, avatarId: string | null | undefined): string | null {
  return useObjectUrl(`group/${roomId}/${avatarId}`, () => fetchGroupPicture(roomId, avatarId!), Boolean(avatarId)).url;
}

function cachedObjectUrl(key: string, load: () => Promise<Blob>): Promise<string> {
  let url = cache.get(key);
  if (!url) {
    url = load().then((blob) => URL.createObjectURL(blob));
    // A failure is not cached: the next bubble (or a retry) asks again.
    url.catch(() => cache.delete(key));
    cache.set(key, url);
  }
  return url;
}

export type AttachmentUrl = { url: string | null; error: string | null; retry(): void };

export function useAttachmentUrl(
  roomId: string,
  attachmentId: string,
  variant: 'full' | 'thumbnail',
  enabled = true
): AttachmentUrl {
  return useObjectUrl(`${roomId}/${attachmentId}/${variant}`, () => fetchAttachment(roomId, attachmentId, variant), enabled);
}

function useObjectUrl(key: string, load: () => Promise<Blob>, enabled: boolean): AttachmentUrl {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    setError(null);
    cachedObjectUrl(key, load).then(
      (u) => live && setUrl(u),
      (err: unknown) => live && setError(errorMessage(err))
    );
    return () => {
      live = false;
    };
  }, [key, enabled, attempt]); // eslint-disable-line react-hooks/exhaustive-deps -- `load` follows `key`
  return { url, error, retry: () => setAttempt((n) => n + 1) };
}
