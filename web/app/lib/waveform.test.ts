import { describe, expect, it } from 'vitest';
import { framePeak, waveformPeaks } from './waveform';

describe('voice note waveform', () => {
  it('keeps at most 64 peaks, the loudest of each stretch, scaled so the loudest is 100', () => {
    const samples = Array.from({ length: 640 }, (_, i) => (i >= 320 && i < 330 ? 0.5 : 0.05));
    const peaks = waveformPeaks(samples);
    expect(peaks).toHaveLength(64);
    expect(peaks[32]).toBe(100);
    expect(peaks[0]).toBe(10);
    expect(Math.max(...peaks)).toBe(100);
  });

  it('keeps short recordings as they are, and silence as zeros', () => {
    expect(waveformPeaks([0.2, 0.4])).toEqual([50, 100]);
    expect(waveformPeaks([0, 0, 0])).toEqual([0, 0, 0]);
    expect(waveformPeaks([])).toEqual([]);
  });

  it('measures a frame by its distance from the centre line', () => {
    expect(framePeak(new Uint8Array([128, 128]))).toBe(0);
    expect(framePeak(new Uint8Array([128, 0, 192]))).toBe(1);
  });
});
