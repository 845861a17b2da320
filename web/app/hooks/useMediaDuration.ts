/**
 * A media element's real length. A file MediaRecorder wrote (webm, as Chromium records voice
 * notes) has no duration in its header: the element says Infinity until it has read to the
 * end, and its native seek bar is then drawn against whatever it has buffered so far (the
 * "95% full at 0:01 of 0:06" of issue 21). Seeking far past the end makes it read the file
 * through and learn the length; we then seek back to the start. Returns null until known.
 */
import { useEffect, useState, type RefObject } from 'react';

/** Past the end of any recording: the element clamps it to the real end. */
const FAR_PAST_THE_END = 1e101;

export function useMediaDuration(ref: RefObject<HTMLMediaElement | null>, src: string | null | undefined): number | null {
  const [duration, setDuration] = useState<number | null>(null);
  useEffect(() => {
    const el = ref.current;
    setDuration(null);
    if (!el || !src) return;
    let probing = false;
    const known = () => Number.isFinite(el.duration) && el.duration > 0;
    const onMetadata = () => {
      if (known()) return setDuration(el.duration);
      probing = true;
      el.currentTime = FAR_PAST_THE_END;
    };
    const onDurationChange = () => {
      if (!known()) return;
      if (probing) {
        probing = false;
        el.currentTime = 0;
      }
      setDuration(el.duration);
    };
    el.addEventListener('loadedmetadata', onMetadata);
    el.addEventListener('durationchange', onDurationChange);
    if (el.readyState >= HTMLMediaElement.HAVE_METADATA) onMetadata();
    return () => {
      el.removeEventListener('loadedmetadata', onMetadata);
      el.removeEventListener('durationchange', onDurationChange);
    };
  }, [ref, src]);
  return duration;
}
