/**
 * The uploads of one open room. Each attached file is uploaded (with progress) while
 * its message waits in the outbox as `uploading`; once R2 has it, the message is sent
 * like any other (ordered, acknowledged, resent until acknowledged). Cancel aborts the
 * request. A dropped connection is retried by itself (after a pause, or as soon as the
 * browser is back online), a few times, then the message shows Retry.
 */
import { useCallback, useEffect, useRef, type Dispatch } from 'react';
import { ApiError, errorMessage } from '../services/api';
import { uploadAttachment, uploadThumbnail, type AttachmentMeta } from '../services/uploads';
import type { MessagesAction } from '../lib/messages';

const AUTO_RETRIES = 5;
const RETRY_BASE_MS = 1000;

interface Job {
  file: Blob;
  meta: AttachmentMeta;
  thumbnail?: Blob | null;
  controller: AbortController;
  attempts: number;
}

const cancelled = (err: unknown) => err instanceof DOMException && err.name === 'AbortError';

/** Waits `ms`, or less if the browser comes back online; rejects when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const finish = () => {
      clearTimeout(timer);
      window.removeEventListener('online', finish);
      signal.removeEventListener('abort', abort);
      resolve();
    };
    const abort = () => {
      clearTimeout(timer);
      window.removeEventListener('online', finish);
      reject(new DOMException('cancelled', 'AbortError'));
    };
    const timer = setTimeout(finish, ms);
    window.addEventListener('online', finish);
    signal.addEventListener('abort', abort);
  });
}

export function useUploads(roomId: string, dispatch: Dispatch<MessagesAction>) {
  const jobs = useRef(new Map<string, Job>());

  const run = useCallback(
    async (clientId: string) => {
      const job = jobs.current.get(clientId);
      if (!job) return false;
      const { signal } = job.controller;
      for (;;) {
        try {
          if (job.meta.kind === 'image' && job.thumbnail === undefined) {
            const { prepareImage } = await import('../lib/images');
            const prepared = await prepareImage(job.file);
            job.thumbnail = prepared?.thumbnail ?? null;
            if (prepared) job.meta = { ...job.meta, width: prepared.width, height: prepared.height };
          }
          const onProgress = (progress: number) => dispatch({ type: 'upload', clientId, progress });
          const attachment = await uploadAttachment(roomId, job.file, job.meta, onProgress, signal);
          if (job.thumbnail) {
            // The picture goes out without a preview rather than not at all.
            await uploadThumbnail(roomId, attachment.id, job.thumbnail, signal).then(
              () => (attachment.thumbnail = true),
              (err: unknown) => {
                if (cancelled(err)) throw err;
              }
            );
          }
          jobs.current.delete(clientId);
          dispatch({ type: 'upload', clientId, attachment });
          return true;
        } catch (err) {
          if (cancelled(err)) return false;
          const network = err instanceof ApiError && (err.isNetwork || err.status >= 500);
          if (network && job.attempts < AUTO_RETRIES) {
            job.attempts += 1;
            dispatch({ type: 'upload', clientId, progress: 0 });
            try {
              await pause(RETRY_BASE_MS * 2 ** (job.attempts - 1), signal);
            } catch {
              return false;
            }
            continue;
          }
          dispatch({ type: 'upload', clientId, error: `Upload failed: ${errorMessage(err)}` });
          return false;
        }
      }
    },
    [roomId, dispatch]
  );

  const start = useCallback(
    (clientId: string, file: Blob, meta: AttachmentMeta) => {
      jobs.current.set(clientId, { file, meta, controller: new AbortController(), attempts: 0 });
      void run(clientId);
    },
    [run]
  );

  /** Starts a failed upload again; false when its file is gone (the page was reloaded). */
  const retry = useCallback(
    (clientId: string) => {
      const job = jobs.current.get(clientId);
      if (!job) return false;
      job.controller = new AbortController();
      job.attempts = 0;
      void run(clientId);
      return true;
    },
    [run]
  );

  const cancel = useCallback((clientId: string) => {
    jobs.current.get(clientId)?.controller.abort();
    jobs.current.delete(clientId);
  }, []);

  // Leaving the room stops its uploads.
  useEffect(() => {
    const current = jobs.current;
    return () => {
      for (const job of current.values()) job.controller.abort();
      current.clear();
    };
  }, [roomId]);

  return { start, retry, cancel };
}
