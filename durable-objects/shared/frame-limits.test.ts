import { describe, expect, it } from 'vitest';
import { exceedsPlatformFrameLimit, PLATFORM_MAX_FRAME_BYTES } from './frame-limits';

describe('exceedsPlatformFrameLimit', () => {
  it('measures UTF-8 bytes, not characters', () => {
    expect(exceedsPlatformFrameLimit('a'.repeat(PLATFORM_MAX_FRAME_BYTES))).toBe(false);
    expect(exceedsPlatformFrameLimit('a'.repeat(PLATFORM_MAX_FRAME_BYTES + 1))).toBe(true);
    // 'é' is two bytes: half a MiB of them plus one goes over.
    expect(exceedsPlatformFrameLimit('é'.repeat(PLATFORM_MAX_FRAME_BYTES / 2 + 1))).toBe(true);
    expect(exceedsPlatformFrameLimit(new ArrayBuffer(PLATFORM_MAX_FRAME_BYTES + 1))).toBe(true);
  });
});
