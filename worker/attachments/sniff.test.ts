import { describe, expect, it } from 'vitest';
import { sniffType } from './sniff';

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('sniffType', () => {
  it('recognises the allowed types by their magic numbers, whatever was declared', () => {
    expect(sniffType(bytes([0x89], 'PNG\r\n', [0x1a, 0x0a, 0, 0]), 'text/html')).toBe('image/png');
    expect(sniffType(bytes([0xff, 0xd8, 0xff, 0xe0]), undefined)).toBe('image/jpeg');
    expect(sniffType(bytes('GIF89a', [1, 0]), 'image/png')).toBe('image/gif');
    expect(sniffType(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), '')).toBe('image/webp');
    expect(sniffType(bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '), '')).toBe('audio/wav');
    expect(sniffType(bytes('%PDF-1.7'), 'image/png')).toBe('application/pdf');
    expect(sniffType(bytes('OggS', [0, 2]), '')).toBe('audio/ogg');
    expect(sniffType(bytes([0, 0, 0, 0x20], 'ftypM4A '), 'audio/mp4')).toBe('audio/mp4');
    expect(sniffType(bytes('ID3', [3, 0]), '')).toBe('audio/mpeg');
  });

  it('lets the declared type choose only between look-alikes', () => {
    const zip = bytes('PK', [3, 4, 20, 0]);
    const docx = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    expect(sniffType(zip, docx)).toBe(docx);
    expect(sniffType(zip, 'application/x-msdownload')).toBe('application/zip');
    const webm = bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f]);
    expect(sniffType(webm, 'audio/webm;codecs=opus')).toBe('audio/webm');
    expect(sniffType(webm, 'video/webm')).toBe('video/webm');
  });

  it('treats markup as plain text and refuses binaries it does not know', () => {
    expect(sniffType(bytes('<svg onload="alert(1)"/>'), 'image/svg+xml')).toBe('text/plain');
    expect(sniffType(bytes('<!doctype html>'), 'text/html')).toBe('text/plain');
    expect(sniffType(new TextEncoder().encode('naïve café ✓'), 'text/plain')).toBe('text/plain');
    // A UTF-8 character cut at the end of the sample is still text.
    expect(sniffType(new TextEncoder().encode('ab✓').subarray(0, 4), 'text/plain')).toBe('text/plain');
    expect(sniffType(bytes('MZ', [0x90, 0, 3, 0]), 'application/pdf')).toBeUndefined();
    expect(sniffType(bytes([0x7f], 'ELF', [2, 1]), '')).toBeUndefined();
    expect(sniffType(bytes('text', [0, 0]), 'text/plain')).toBeUndefined();
    expect(sniffType(new Uint8Array([0xc3, 0x28, 0x41, 0x42]), 'text/plain')).toBeUndefined();
    expect(sniffType(new Uint8Array(), 'text/plain')).toBeUndefined();
  });
});
