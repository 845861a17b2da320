import { describe, expect, it } from 'vitest';
import { MAX_FILE_NAME_CHARS } from '../../durable-objects/protocol';
import { contentDisposition, sanitizeFileName } from './names';

describe('sanitizeFileName', () => {
  it('keeps the last path component without controls, bidi overrides or reserved characters', () => {
    expect(sanitizeFileName('C:\\Users\\me\\report.pdf')).toBe('report.pdf');
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('photo\u202Egnp.exe')).toBe('photo_gnp.exe');
    expect(sanitizeFileName('a<b>c:"d"|e?*.txt')).toBe('a_b_c__d__e__.txt');
    expect(sanitizeFileName('  ..hidden.  ')).toBe('hidden');
    expect(sanitizeFileName('tab\tand\nnewline.txt')).toBe('tab_and_newline.txt');
  });

  it('falls back when nothing is left, and shortens long names keeping the extension', () => {
    expect(sanitizeFileName('', 'voice note')).toBe('voice note');
    expect(sanitizeFileName('///', 'file')).toBe('file');
    const long = sanitizeFileName(`${'x'.repeat(300)}.docx`);
    expect([...long].length).toBe(MAX_FILE_NAME_CHARS);
    expect(long.endsWith('.docx')).toBe(true);
    expect(sanitizeFileName('Café.txt'.normalize('NFD'))).toBe('Café.txt'.normalize('NFC'));
  });
});

describe('contentDisposition', () => {
  it('gives an ASCII fallback and the exact name in RFC 5987 form', () => {
    expect(contentDisposition('attachment', 'Résumé "final".pdf')).toBe(
      `attachment; filename="R_sum_ _final_.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22.pdf`,
    );
    expect(contentDisposition('inline', 'cat.png')).toBe(`inline; filename="cat.png"; filename*=UTF-8''cat.png`);
  });
});

describe('names against misleading files', () => {
  it('drops invisible format characters (Unicode Cf)', () => {
    expect(sanitizeFileName('in\u200Bvoice\u2060.pdf\uFEFF')).toBe('invoice.pdf');
    expect(sanitizeFileName('re\u00ADport\u200D.txt')).toBe('report.txt');
  });
  it('makes the extension agree with the type found in the bytes', () => {
    expect(sanitizeFileName('setup.exe', 'file', 'text/plain')).toBe('setup.exe.txt');
    expect(sanitizeFileName('open.hta', 'file', 'text/plain')).toBe('open.hta.txt');
    expect(sanitizeFileName('page.HTML', 'file', 'text/plain')).toBe('page.HTML.txt');
    expect(sanitizeFileName('notes.md', 'file', 'text/plain')).toBe('notes.md');
    expect(sanitizeFileName('cat.JPG', 'image', 'image/jpeg')).toBe('cat.JPG');
    expect(sanitizeFileName('cat.png', 'image', 'image/jpeg')).toBe('cat.png.jpg');
    expect(sanitizeFileName('voice note', 'voice note', 'audio/webm')).toBe('voice note');
    const long = sanitizeFileName(`${'x'.repeat(300)}.bat`, 'file', 'text/plain');
    expect(long.endsWith('.bat.txt') || long.endsWith('.txt')).toBe(true);
    expect([...long].length).toBe(MAX_FILE_NAME_CHARS);
  });
});
