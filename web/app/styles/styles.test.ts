/**
 * The style sheets parse cleanly. CSS never fails a build: an unclosed block only warns and
 * swallows the rules after it (a missing "}" once kept search, mute and emoji styles from
 * every desktop browser). esbuild is the parser the production build minifies with.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { transformWithEsbuild } from 'vite';
import { describe, expect, it } from 'vitest';

const dir = path.dirname(new URL(import.meta.url).pathname);
const sheets = readdirSync(dir).filter((f) => f.endsWith('.css'));

describe('style sheets', () => {
  it('finds the sheets', () => {
    expect(sheets).toContain('app.css');
  });

  it.each(sheets)('%s parses without a warning', async (file) => {
    const result = await transformWithEsbuild(readFileSync(path.join(dir, file), 'utf8'), file, { loader: 'css' });
    expect(result.warnings.map((w) => `${w.location?.line}: ${w.text}`)).toEqual([]);
  });
});
