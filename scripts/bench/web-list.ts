/**
 * The web app's message list in Debian's Chromium (playwright-core), on chats seeded straight in
 * Postgres (lib/seed-chat-history.ts):
 *   scroll   a chat of `messages` scrolled 400 px per frame from the newest message back to the
 *            start (older pages load on the way) and down again: frame times from
 *            requestAnimationFrame, how long reaching the start took, DOM elements at each end;
 *   open     on a warm app (the chat list open), click a conversation → its newest message on
 *            screen, switching between two chats;
 *   lighthouse  Lighthouse (mobile preset, simulated throttling) on a signed-in chat of
 *            `lighthouseMessages`, driving the same Chromium over CDP; the report's headline
 *            figures, the main thread's top costs, long tasks and console errors.
 * Targets (issue 18): frame p95 ≤ 20 ms, open ≤ 300 ms, performance ≥ 90, TBT ≤ 200 ms,
 * accessibility and best practices 100. Figures, not pass/fail: the machine is shared.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { seedChatHistory } from '../lib/seed-chat-history';
import { freePort } from '../lib/free-port';
import { projectRoot } from '../lib/paths';
import type { AppClient, BenchUser } from './app-client';
import { selfTimesOf } from './inspector';
import { traceFrames, type FrameCosts } from './frame-trace';
import { profilePage } from './page-profile';
import { measureLoadCpu, type LoadCpuResult } from './web-load-cpu';
import { round, summarize, type Summary } from './stats';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Pixels scrolled per frame: ~24,000 px/s at 60 fps, a fast fling through a long chat. */
const SCROLL_STEP_PX = 400;

export interface WebListOptions {
  messages: number;
  lighthouseMessages: number;
  /** Bounds the scroll back: the old list could take minutes at 5,000 messages. */
  scrollBudgetMs: number;
  opens: number;
  /** Traced loads of the Lighthouse chat for its main-thread CPU time (web-load-cpu.ts). */
  loadCpuRuns: number;
  /** Also write a CPU profile of one load (bench-results/chat-load.cpuprofile). */
  loadProfile: boolean;
  /** Also a CPU profile of the scroll back (bench-results/scroll-back.cpuprofile) and its top self times. */
  scrollProfile: boolean;
  /** Also a trace of the scroll back and forward: CPU and paint layers per frame (frame-trace.ts). */
  scrollTrace: boolean;
  /** Only the page's load (CPU time and Lighthouse): no 5,000-message chat, scrolling or opens. */
  loadOnly: boolean;
  log: (m: string) => void;
}

interface Person extends BenchUser {
  /** The refresh cookie, `name=value`. */
  cookie: string;
}

async function register(client: AppClient, prefix: string): Promise<Person> {
  const username = `${prefix}_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const res = await fetch(`${client.baseUrl}/api/auth/register`, {
    method: 'POST',
    headers: { origin: client.origin, 'content-type': 'application/json' },
    body: JSON.stringify({ username, email: `${username}@bench.test`, password: `pw-${crypto.randomUUID()}`, displayName: prefix }),
    signal: AbortSignal.timeout(30_000),
  });
  if (res.status !== 201) throw new Error(`register → ${res.status}`);
  const body = (await res.json()) as { user: { id: string }; token: string };
  return { id: body.user.id, username, token: body.token, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]! };
}

/** A direct chat between `me` and `other` holding `count` messages, the newest one sent through the room. */
async function seededChat(client: AppClient, databaseUrl: string, me: Person, other: Person, count: number): Promise<{ roomId: string; newest: number }> {
  const { room } = await client.json<{ room: { id: string } }>('POST', '/api/rooms/direct', { username: other.username }, me.token);
  await seedChatHistory(databaseUrl, room.id, { senders: [other.id, me.id], count });
  // The room learns the stored seq on its first write; the newest message comes through it.
  const socket = await client.openSocket(other, room.id);
  const acked = new Promise<number>((resolve) => {
    socket.onFrame = (f) => f.type === 'ack' && resolve(Number(f.seq));
  });
  socket.send({ type: 'send', clientId: crypto.randomUUID(), content: 'the newest message' });
  const newest = await acked;
  await socket.close();
  return { roomId: room.id, newest };
}

export interface ScrollResult {
  messages: number;
  /** Newest → start, older pages loading on the way. */
  scrollBack: { frames: Summary; reachedStart: boolean; msToStart: number; steps: number };
  /** Start → newest, everything loaded. */
  scrollForward: { frames: Summary; reachedEnd: boolean; ms: number; steps: number } | null;
  domElementsAtNewest: number;
  domElementsAtStart: number;
  renderedMessagesAtStart: number;
  /** --profile-web-scroll: where the scroll back's main-thread CPU went. */
  profile?: { path: string; busyMs: number; top: { fn: string; ms: number; share: number }[] };
  /** --trace-web-scroll: what each frame of the scroll back and forward cost. */
  frameCosts?: { back: FrameCosts; forward: FrameCosts | null };
}

// Scripts for the page go as text: tsx would wrap named functions passed to evaluate() in a helper the page lacks.
const domCount = (page: Page) => page.evaluate(() => document.getElementsByTagName('*').length);

/** Visible inside the message list's box. */
const VISIBLE = (sel: string) => {
  const el = document.querySelector(sel);
  const list = document.querySelector('[data-testid=message-list]');
  if (!el || !list) return false;
  const r = el.getBoundingClientRect();
  const l = list.getBoundingClientRect();
  return r.height > 0 && r.bottom > l.top && r.top < l.bottom;
};

async function measureScroll(
  page: Page,
  baseUrl: string,
  roomId: string,
  newest: number,
  count: number,
  budgetMs: number,
  withProfile: boolean,
  withTrace: boolean,
): Promise<ScrollResult> {
  await page.goto(`${baseUrl}/chat/${roomId}`);
  await page.waitForFunction(VISIBLE, `[data-testid=message][data-seq="${newest}"]`, { timeout: 60_000 });
  await page.waitForFunction(() => document.querySelector('[data-testid=connection-state]')?.getAttribute('data-state') === 'connected', null, { timeout: 60_000 });
  const domElementsAtNewest = await domCount(page);

  // Scrolled from inside the page, SCROLL_STEP_PX per frame (a quick, steady fling), so the
  // driver's round trips neither slow the scroll nor land in the frame times.
  const scrollRun = (direction: -1 | 1) => {
    const done =
      direction < 0
        ? `Boolean(document.querySelector('[data-testid=timeline-start]')) && list.scrollTop <= 1`
        : `list.scrollTop + list.clientHeight >= list.scrollHeight - 2 && Boolean(document.querySelector('[data-testid=message][data-seq="${newest}"]'))`;
    return page.evaluate<{ frames: number[]; reached: boolean; ms: number; steps: number }>(`new Promise((resolve) => {
      const list = document.querySelector('[data-testid=message-list]');
      const frames = [];
      let t0 = 0;
      let last = 0;
      let steps = 0;
      const tick = (t) => {
        frames.push(t - last);
        last = t;
        if (${done}) return resolve({ frames, reached: true, ms: t - t0, steps });
        if (t - t0 > ${budgetMs}) return resolve({ frames, reached: false, ms: t - t0, steps });
        list.scrollTop += ${direction * SCROLL_STEP_PX};
        steps += 1;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame((t) => { t0 = t; last = t; requestAnimationFrame(tick); });
    })`);
  };
  let profile: ScrollResult['profile'];
  let costsBack: FrameCosts | undefined;
  let costsForward: FrameCosts | undefined;
  let back: Awaited<ReturnType<typeof scrollRun>>;
  const cdp = withProfile || withTrace ? await page.context().newCDPSession(page) : undefined;
  if (cdp && withTrace) {
    // Traced, not profiled: the sampler's own cost would land in the frames.
    const traced = await traceFrames(cdp, () => scrollRun(-1));
    back = traced.result;
    costsBack = traced.costs;
  } else if (cdp) {
    const profiled = await profilePage(cdp, 'scroll-back', () => scrollRun(-1));
    back = profiled.result;
    const { busyMs, top } = selfTimesOf(profiled.profile);
    profile = { path: path.relative(projectRoot, profiled.file), busyMs, top: top.slice(0, 15) };
  } else back = await scrollRun(-1);
  const domElementsAtStart = await domCount(page);
  const renderedMessagesAtStart = await page.locator('[data-testid=message]').count();
  let forward: Awaited<ReturnType<typeof scrollRun>> | null = null;
  if (back.reached && cdp && withTrace) {
    const traced = await traceFrames(cdp, () => scrollRun(1));
    forward = traced.result;
    costsForward = traced.costs;
  } else if (back.reached) forward = await scrollRun(1);
  await cdp?.detach();
  return {
    messages: count,
    scrollBack: { frames: summarize(back.frames), reachedStart: back.reached, msToStart: Math.round(back.ms), steps: back.steps },
    scrollForward: forward && { frames: summarize(forward.frames), reachedEnd: forward.reached, ms: Math.round(forward.ms), steps: forward.steps },
    domElementsAtNewest,
    domElementsAtStart,
    renderedMessagesAtStart,
    profile,
    frameCosts: costsBack && { back: costsBack, forward: costsForward ?? null },
  };
}

/** Click a conversation in the list → its newest message on screen, alternating between two chats. */
async function measureOpen(page: Page, baseUrl: string, chats: { roomId: string; newest: number }[], opens: number): Promise<Summary> {
  await page.goto(`${baseUrl}/chat`);
  for (const c of chats) await page.locator(`[data-testid=conversation-item][data-room-id="${c.roomId}"]`).waitFor({ timeout: 30_000 });
  const samples: number[] = [];
  for (let i = 0; i < opens + 1; i++) {
    const c = chats[i % chats.length]!;
    const ms = await page.evaluate<number>(`new Promise((resolve, reject) => {
      const item = document.querySelector('[data-testid=conversation-item][data-room-id="${c.roomId}"]');
      if (!item) return reject(new Error('no conversation item'));
      const t0 = performance.now();
      const check = () => {
        const el = document.querySelector('[data-testid=message][data-seq="${c.newest}"]');
        const list = document.querySelector('[data-testid=message-list]');
        if (el && list && document.querySelector('[data-testid=chat-window][data-room-id="${c.roomId}"]')) {
          const r = el.getBoundingClientRect();
          const l = list.getBoundingClientRect();
          if (r.height > 0 && r.bottom > l.top && r.top < l.bottom) return resolve(performance.now() - t0);
        }
        if (performance.now() > t0 + 30000) return reject(new Error('newest message not shown within 30 s'));
        requestAnimationFrame(check);
      };
      item.click();
      check();
    })`);
    // The first open of each chat loads its route's code: warm means after that.
    if (i >= chats.length) samples.push(ms);
  }
  return summarize(samples);
}

export interface LighthouseResult {
  lighthouseVersion: string;
  url: string;
  messages: number;
  scores: Record<string, number | null>;
  metricsMs: Record<string, number | null>;
  /** Main-thread time by category (mainthread-work-breakdown), ms, largest first. */
  mainThread: { group: string; ms: number }[];
  /** Script cost by file (bootup-time), ms. */
  scripts: { url: string; totalMs: number; scriptingMs: number }[];
  longTasks: { url: string; startMs: number; durationMs: number }[];
  consoleErrors: string[];
  /** Audits that lost points, by id, with their titles. */
  failed: { id: string; title: string; score: number | null }[];
  reportPath: string;
}

async function runLighthouse(port: number, url: string, messages: number): Promise<LighthouseResult> {
  process.env.CHROME_PATH ??= CHROMIUM;
  const { default: lighthouse } = await import('lighthouse');
  const result = await lighthouse(url, { port, output: 'json', logLevel: 'error' });
  if (!result) throw new Error('lighthouse returned nothing');
  const lhr = result.lhr;
  const reportPath = path.join(projectRoot, 'bench-results', 'lighthouse-chat.json');
  fs.mkdirSync(path.dirname(reportPath), { recursive: true });
  fs.writeFileSync(reportPath, typeof result.report === 'string' ? result.report : JSON.stringify(lhr));
  const audit = (id: string) => lhr.audits[id];
  const num = (id: string) => (typeof audit(id)?.numericValue === 'number' ? round(audit(id)!.numericValue!, 0) : null);
  const items = (id: string) => ((audit(id)?.details as { items?: any[] } | undefined)?.items ?? []) as any[];
  const strip = (u: string) => u.replace(new URL(url).origin, '');
  const failed = Object.values(lhr.categories)
    .flatMap((c) => c.auditRefs.filter((r) => r.weight > 0).map((r) => lhr.audits[r.id]!))
    .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative')
    .map((a) => ({ id: a.id, title: a.title, score: a.score }));
  return {
    lighthouseVersion: lhr.lighthouseVersion,
    url: strip(url),
    messages,
    scores: Object.fromEntries(Object.entries(lhr.categories).map(([k, c]) => [k, c.score === null ? null : Math.round(c.score * 100)])),
    metricsMs: {
      firstContentfulPaint: num('first-contentful-paint'),
      largestContentfulPaint: num('largest-contentful-paint'),
      totalBlockingTime: num('total-blocking-time'),
      speedIndex: num('speed-index'),
      timeToInteractive: num('interactive'),
      cumulativeLayoutShiftX1000: audit('cumulative-layout-shift')?.numericValue !== undefined ? round(audit('cumulative-layout-shift')!.numericValue! * 1000, 0) : null,
      mainThreadWork: num('mainthread-work-breakdown'),
      bootupTime: num('bootup-time'),
    },
    mainThread: items('mainthread-work-breakdown').map((i) => ({ group: String(i.groupLabel ?? i.group), ms: round(Number(i.duration), 0) })),
    scripts: items('bootup-time').map((i) => ({ url: strip(String(i.url)), totalMs: round(Number(i.total), 0), scriptingMs: round(Number(i.scripting), 0) })),
    longTasks: items('long-tasks').map((i) => ({ url: strip(String(i.url)), startMs: round(Number(i.startTime), 0), durationMs: round(Number(i.duration), 0) })),
    consoleErrors: items('errors-in-console').map((i) => String(i.description ?? i.source)),
    failed,
    reportPath: path.relative(projectRoot, reportPath),
  };
}

export interface WebListResult {
  /** null with `loadOnly`. */
  scroll: ScrollResult | null;
  openNewestMs: Summary | null;
  lighthouse: LighthouseResult | { error: string };
  loadCpu: LoadCpuResult | { error: string };
}

async function signIn(ctx: BrowserContext, baseUrl: string, me: Person): Promise<void> {
  const [name, ...rest] = me.cookie.split('=');
  await ctx.addCookies([{ name: name!, value: rest.join('='), url: `${baseUrl}/api/auth`, httpOnly: true, secure: true, sameSite: 'Strict' }]);
}

export async function measureWebList(client: AppClient, databaseUrl: string, opts: WebListOptions): Promise<WebListResult> {
  const baseUrl = client.baseUrl;
  const [me, ann, ben] = await Promise.all([register(client, 'reader'), register(client, 'ann'), register(client, 'ben')]);
  opts.log(`webList: seeding chats of ${opts.messages} and ${opts.lighthouseMessages} messages`);
  const long = opts.loadOnly ? null : await seededChat(client, databaseUrl, me, ann, opts.messages);
  const short = await seededChat(client, databaseUrl, me, ben, opts.lighthouseMessages);

  // One persistent profile: its default context is the one Lighthouse's tab opens in, signed in too.
  const port = await freePort();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-chat-weblist-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--remote-debugging-port=${port}`],
  });
  try {
    await signIn(ctx, baseUrl, me);
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    let scroll: ScrollResult | null = null;
    let openNewestMs: Summary | null = null;
    if (long) {
      scroll = await measureScroll(page, baseUrl, long.roomId, long.newest, opts.messages + 1, opts.scrollBudgetMs, opts.scrollProfile, opts.scrollTrace);
      opts.log(
        `webList: scroll back p50 ${scroll.scrollBack.frames.p50} / p95 ${scroll.scrollBack.frames.p95} ms, start ${scroll.scrollBack.reachedStart ? `in ${scroll.scrollBack.msToStart} ms` : 'not reached'}; ` +
          `forward p95 ${scroll.scrollForward?.frames.p95 ?? '-'} ms; DOM ${scroll.domElementsAtNewest} → ${scroll.domElementsAtStart} elements`,
      );
      for (const [way, costs] of Object.entries(scroll.frameCosts ?? {})) {
        if (!costs) continue;
        opts.log(
          `webList: scroll ${way}: ${costs.layoutFrames} of ${costs.frames} frames laid out; CPU per frame p50/p95 ${costs.cpuWithLayout.p50}/${costs.cpuWithLayout.p95} ms with layout, ` +
            `${costs.cpuWithoutLayout.p50}/${costs.cpuWithoutLayout.p95} ms without; paint layers per frame p50 ${costs.paintsWithLayout.p50} with layout, ${costs.paintsWithoutLayout.p50} without; ` +
            `CPU ms by kind ${JSON.stringify(costs.cpuByKind)}`,
        );
      }
      if (scroll.profile) opts.log(`webList: scroll back CPU ${scroll.profile.busyMs} ms in JS and native calls; top: ${scroll.profile.top.slice(0, 5).map((t) => `${t.fn} ${t.ms} ms`).join('; ')}`);
      openNewestMs = await measureOpen(page, baseUrl, [long, short], opts.opens);
      opts.log(`webList: click → newest message p50 ${openNewestMs.p50} ms, max ${openNewestMs.max} ms`);
    }
    const chatUrl = `${baseUrl}/chat/${short.roomId}`;
    const loadCpu = await measureLoadCpu(page, chatUrl, `[data-testid=message][data-seq="${short.newest}"]`, opts.loadCpuRuns, opts.loadProfile).catch((err: unknown) => ({
      error: err instanceof Error ? err.message : String(err),
    }));
    if ('runs' in loadCpu) opts.log(`webList: load main-thread CPU ${loadCpu.runs.map((r) => r.cpuMs).join(', ')} ms; over 50 ms per task ${loadCpu.runs.map((r) => r.blockingCpuMs).join(', ')} ms`);
    await page.goto('about:blank');
    const lighthouse = await runLighthouse(port, chatUrl, opts.lighthouseMessages + 1).catch((err: unknown) => ({
      error: err instanceof Error ? err.message : String(err),
    }));
    if ('scores' in lighthouse) opts.log(`webList: lighthouse ${JSON.stringify(lighthouse.scores)}, TBT ${lighthouse.metricsMs.totalBlockingTime} ms`);
    return { scroll, openNewestMs, lighthouse, loadCpu };
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}
