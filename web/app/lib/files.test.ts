import { describe, expect, it } from 'vitest';
import { fileTypeLabel, formatBytes } from './files';

describe('formatBytes', () => {
  it('uses the largest unit that keeps a number ≥ 1', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(25 * 1024 * 1024)).toBe('25 MB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3 GB');
  });
});

describe('fileTypeLabel', () => {
  it('names common types and falls back by family', () => {
    expect(fileTypeLabel('application/pdf')).toBe('PDF');
    expect(fileTypeLabel('image/png')).toBe('PNG image');
    expect(fileTypeLabel('audio/webm')).toBe('Audio');
    expect(fileTypeLabel('application/x-unknown')).toBe('File');
  });
});
