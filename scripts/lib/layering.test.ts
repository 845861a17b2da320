/**
 * Arrows point down: the Worker (worker/) sits above the room objects, the schema and the web
 * app's shared code, so none of those may import it, and the objects and the schema never import
 * the web app. Checked over the source text (static and dynamic imports, type imports too), so
 * a new import that breaks the rule fails here with the file and the specifier named.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const IMPORT = /(?:from\s+|import\s*\()\s*['"](\.{1,2}\/[^'"]+)['"]/g;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'build' && entry.name !== 'migrations') out.push(...sources(rel));
    } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) out.push(rel);
  }
  return out;
}

/** `file: specifier` for every import of `dir`'s sources that lands in one of `above`. */
function importsInto(dir: string, above: string[]): string[] {
  const found: string[] = [];
  for (const file of sources(dir)) {
    for (const [, spec] of fs.readFileSync(path.join(ROOT, file), 'utf8').matchAll(IMPORT)) {
      const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), spec!));
      if (above.some((top) => target === top || target.startsWith(`${top}/`))) found.push(`${file}: ${spec}`);
    }
  }
  return found;
}

describe('layering', () => {
  it('the room objects import neither the Worker nor the web app', () => {
    expect(importsInto('durable-objects', ['worker', 'web'])).toEqual([]);
  });

  it('the schema and its queries import neither the Worker nor the web app', () => {
    expect(importsInto('drizzle', ['worker', 'web'])).toEqual([]);
  });

  it('the web app imports no Worker code', () => {
    expect(importsInto('web/app', ['worker'])).toEqual([]);
  });

  it('finds an import into the Worker when there is one (the check itself works)', () => {
    expect(importsInto('worker/auth', ['durable-objects']).length).toBeGreaterThan(0);
  });
});
