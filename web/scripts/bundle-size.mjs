#!/usr/bin/env node
/**
 * Gzipped JavaScript each page of the web app ships, from the built client
 * (run `npm run build:web` first):
 *
 *   node web/scripts/bundle-size.mjs           # table; exit 1 if the chat page is over budget
 *   node web/scripts/bundle-size.mjs --json    # machine-readable, for the bench
 *
 * A page's JS = Remix's route manifest script + the client entry + the modules (and their
 * static imports) of every route matched on that page. Budget: the chat page ≤ 200 KB gzipped.
 * Importable: `import { measurePages } from './web/scripts/bundle-size.mjs'`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const CHAT_PAGE_BUDGET_BYTES = 200 * 1024;

/** Route ids matched by each page we care about. */
export const PAGES = {
  login: ['root', 'routes/login'],
  register: ['root', 'routes/register'],
  'chat list': ['root', 'routes/chat', 'routes/chat._index'],
  'chat room': ['root', 'routes/chat', 'routes/chat.$roomId'],
  'group settings': ['root', 'routes/chat', 'routes/chat.$roomId', 'routes/chat.$roomId.settings'],
  embed: ['root', 'routes/embed.$roomId'],
  join: ['root', 'routes/join.$token'],
};

function readManifest(clientDir) {
  const assets = path.join(clientDir, 'assets');
  const file = fs.readdirSync(assets).find((f) => /^manifest-[\w-]+\.js$/.test(f));
  if (!file) throw new Error(`no Remix manifest in ${assets}: run \`npm run build:web\` first`);
  const text = fs.readFileSync(path.join(assets, file), 'utf8');
  const json = text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1);
  return { manifest: JSON.parse(json), manifestUrl: `/assets/${file}` };
}

const gzipCache = new Map();
function gzipBytes(clientDir, url) {
  if (!gzipCache.has(url)) gzipCache.set(url, gzipSync(fs.readFileSync(path.join(clientDir, url))).length);
  return gzipCache.get(url);
}

export function measurePages(clientDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../build/client')) {
  const { manifest, manifestUrl } = readManifest(clientDir);
  const result = {};
  for (const [page, routeIds] of Object.entries(PAGES)) {
    const urls = new Set([manifestUrl, manifest.entry.module, ...manifest.entry.imports]);
    for (const id of routeIds) {
      const route = manifest.routes[id];
      if (!route) throw new Error(`route ${id} is not in the manifest`);
      urls.add(route.module);
      for (const i of route.imports ?? []) urls.add(i);
    }
    const files = [...urls].map((url) => ({ url, gzip: gzipBytes(clientDir, url) }));
    result[page] = { gzipBytes: files.reduce((n, f) => n + f.gzip, 0), files };
  }
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const pages = measurePages();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ budgetBytes: CHAT_PAGE_BUDGET_BYTES, pages }, null, 2));
  } else {
    for (const [page, { gzipBytes }] of Object.entries(pages)) {
      console.log(`${page.padEnd(16)} ${(gzipBytes / 1024).toFixed(1).padStart(7)} KB gzipped JS`);
    }
    console.log(`budget: chat room ≤ ${CHAT_PAGE_BUDGET_BYTES / 1024} KB`);
  }
  process.exitCode = pages['chat room'].gzipBytes > CHAT_PAGE_BUDGET_BYTES ? 1 : 0;
}
