/**
 * A voice note's waveform: the recorder samples the microphone's loudness (peak amplitude,
 * 0–1) many times a second; the note keeps MAX_WAVEFORM_POINTS peaks of 0–100, scaled so the
 * loudest is 100, which players draw as bars.
 */
import { MAX_WAVEFORM_POINTS } from './protocol';

/** `samples` (0–1 each, in time order) as at most `points` peaks of 0–100. */
export function waveformPeaks(samples: readonly number[], points = MAX_WAVEFORM_POINTS): number[] {
  if (samples.length === 0) return [];
  const count = Math.min(points, samples.length);
  const buckets = Array.from({ length: count }, (_, i) => {
    const from = Math.floor((i * samples.length) / count);
    const to = Math.max(from + 1, Math.floor(((i + 1) * samples.length) / count));
    return Math.max(...samples.slice(from, to));
  });
  const loudest = Math.max(...buckets);
  if (!(loudest > 0)) return buckets.map(() => 0);
  return buckets.map((p) => Math.round((Math.min(Math.max(p, 0), loudest) / loudest) * 100));
}

/** Peak amplitude (0–1) of one analyser frame of 8-bit time-domain samples centred on 128. */
export function framePeak(frame: Uint8Array): number {
  let peak = 0;
  for (const v of frame) peak = Math.max(peak, Math.abs(v - 128));
  return peak / 128;
}
