/**
 * What both call screens (CallUI for two people, GroupCallUI for a group) do alike: my media as
 * state with a preview stream of my camera or screen, the one-line notice under the video, and
 * the dialog taking the focus when it opens.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { LocalMedia } from '../services/local-media';
import { MediaError } from '../services/local-media';
import { useLocalMedia } from './useLocalMedia';

/** A ref for a <video> that plays `stream` (set on mount too, whenever the element appears). */
export function useVideo(stream: MediaStream | null) {
  return useCallback(
    (el: HTMLVideoElement | null) => {
      if (el && el.srcObject !== stream) {
        el.srcObject = stream;
        if (stream) void el.play().catch(() => {});
      }
    },
    [stream],
  );
}

interface CallSignals {
  /** The call's own notice (a peer's network changed, the call was refused…). */
  notice?: string | null;
  signaling: string;
}

export function useCallScreen(local: LocalMedia, call: CallSignals) {
  const media = useLocalMedia(local);
  const [localStream, setLocalStream] = useState<MediaStream | null>(null);
  useEffect(() => setLocalStream(media.videoTrack ? new MediaStream([media.videoTrack]) : null), [media.videoTrack]);

  // A control that failed (no camera, sharing refused) says why, until the next one is used.
  const [failure, setFailure] = useState<string | null>(null);
  const run = (fn: () => Promise<void> | void) => {
    setFailure(null);
    Promise.resolve()
      .then(fn)
      .catch((err) => setFailure(err instanceof MediaError ? err.message : 'That did not work.'));
  };
  const line = failure ?? call.notice ?? media.notice ?? (call.signaling === 'reconnecting' ? 'Reconnecting to the server…' : null);

  // The dialog takes the focus when it opens.
  const rootRef = useRef<HTMLDivElement>(null);
  useEffect(() => rootRef.current?.focus(), []);

  return { media, localStream, run, line, rootRef };
}
