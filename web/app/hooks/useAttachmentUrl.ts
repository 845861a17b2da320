/**
 * An attachment's bytes as an object URL for <img>, <audio> and download links.
 * Attachments are for members only, so they are fetched with the token (not by URL);
 * one fetch per attachment and variant per page, shared by every bubble that shows it.
 */
import { useEffect, useState } from 'react';
import { errorMessage } from '../services/api';
import { fetchAttachment } from '../services/uploads';

const cache = new Map<string, Promise<string>>();

export function attachmentObjectUrl(roomId: string, attachmentId: string, variant: 'full' | 'thumbnail'): Promise<string> {
  const key = `${roomId}/${attachmentId}/${variant}`;
  let url = cache.get(key);
  if (!url) {
    url = fetchAttachment(roomId, attachmentId, variant).then((blob) => URL.createObjectURL(blob));
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
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    setError(null);
    attachmentObjectUrl(roomId, attachmentId, variant).then(
      (u) => live && setUrl(u),
      (err: unknown) => live && setError(errorMessage(err))
    );
    return () => {
      live = false;
    };
  }, [roomId, attachmentId, variant, enabled, attempt]);
  return { url, error, retry: () => setAttempt((n) => n + 1) };
}
