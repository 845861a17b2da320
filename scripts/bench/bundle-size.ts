/**
 * The chat page's JavaScript budget (issue #4: at most 200 KB gzipped).
 * What a page ships is computed by web/scripts/bundle-size.mjs from the Remix
 * build's own manifest (web/build/client/assets/manifest-*.js): the manifest
 * script + the client entry and its imports + the module and static imports of
 * every route the page matches (root → routes/chat → routes/chat.$roomId). This
 * module adds the build (its output kept off our stdout) and, with the app
 * running, a cross-check against what the server really sends: the chat page's
 * <link rel="modulepreload"> list and its inline scripts.
 * Sizes are gzip at zlib's default level 6, as servers compress on the fly.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import { projectRoot } from '../lib/paths';
import { round } from './stats';

const clientDir = path.join(projectRoot, 'web/build/client');
const CHAT_PAGE = 'chat room';

interface PageSizes {
  gzipBytes: number;
  files: { url: string; gzip: number }[];
}
interface BundleSizeModule {
  CHAT_PAGE_BUDGET_BYTES: number;
  PAGES: Record<string, string[]>;
  measurePages(clientDir?: string): Record<string, PageSizes>;
}

export interface BundleResult {
  built: boolean;
  buildMs: number | null;
  /** Route ids the chat page matches. */
  routeChain: string[];
  /** Largest first. */
  files: { url: string; gzipBytes: number }[];
  totalGzipBytes: number;
  budgetGzipBytes: number;
  withinBudget: boolean;
  /** Share of the budget used, e.g. 0.62. */
  budgetUsed: number;
  /** Every page web/scripts/bundle-size.mjs knows, gzipped JS bytes. */
  otherPagesGzipBytes: Record<string, number>;
  /** From the served HTML of /chat/<id>, if the app was running. */
  servedPage?: {
    modulepreloads: number;
    /** Every preloaded file is one the manifest count includes, and vice versa. */
    matchesManifest: boolean;
    /** The inline bootstrap scripts (route module imports, context), not in the count above. */
    inlineScriptGzipBytes: number;
  };
}

/** `npm run build:web`, its output on our stderr: stdout carries only the JSON summary. */
export async function buildWebToStderr(log: (m: string) => void): Promise<number> {
  const t0 = performance.now();
  log('building the web app (npm run build:web)');
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'build:web'], { cwd: projectRoot, stdio: ['ignore', 2, 2] });
    child.on('error', reject);
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  });
  if (code !== 0) throw new Error(`npm run build:web failed (exit ${code})`);
  return performance.now() - t0;
}

/** Modulepreload links and inline scripts of the chat page as the running app serves it. */
async function servedPage(baseUrl: string): Promise<{ preloads: string[]; inlineScripts: string }> {
  const res = await fetch(`${baseUrl}/chat/00000000-0000-4000-8000-000000000000`, { signal: AbortSignal.timeout(30_000) });
  const html = await res.text();
  if (!res.ok) throw new Error(`GET /chat/<id> → ${res.status}`);
  const preloads = [...html.matchAll(/<link[^>]+rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => m[1]!);
  const inlineScripts = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!).join('\n');
  return { preloads, inlineScripts };
}

export async function measureBundle(opts: { built: boolean; buildMs: number | null; baseUrl?: string }): Promise<BundleResult> {
  const script = path.join(projectRoot, 'web/scripts/bundle-size.mjs');
  if (!fs.existsSync(script)) throw new Error(`${path.relative(projectRoot, script)} is missing: it defines what a page ships`);
  const sizes = (await import(pathToFileURL(script).href)) as BundleSizeModule;
  const pages = sizes.measurePages(clientDir);
  const chat = pages[CHAT_PAGE];
  if (!chat) throw new Error(`web/scripts/bundle-size.mjs has no "${CHAT_PAGE}" page`);

  let served: BundleResult['servedPage'];
  if (opts.baseUrl) {
    const page = await servedPage(opts.baseUrl);
    const preloaded = new Set(page.preloads);
    const counted = new Set(chat.files.map((f) => f.url));
    served = {
      modulepreloads: preloaded.size,
      matchesManifest: preloaded.size === counted.size && [...counted].every((u) => preloaded.has(u)),
      inlineScriptGzipBytes: zlib.gzipSync(page.inlineScripts).length,
    };
  }
  const budget = sizes.CHAT_PAGE_BUDGET_BYTES;
  return {
    built: opts.built,
    buildMs: opts.buildMs === null ? null : round(opts.buildMs, 0),
    routeChain: sizes.PAGES[CHAT_PAGE] ?? [],
    files: chat.files.map((f) => ({ url: f.url, gzipBytes: f.gzip })).sort((a, b) => b.gzipBytes - a.gzipBytes),
    totalGzipBytes: chat.gzipBytes,
    budgetGzipBytes: budget,
    withinBudget: chat.gzipBytes <= budget,
    budgetUsed: round(chat.gzipBytes / budget, 3),
    otherPagesGzipBytes: Object.fromEntries(Object.entries(pages).map(([name, p]) => [name, p.gzipBytes])),
    servedPage: served,
  };
}
