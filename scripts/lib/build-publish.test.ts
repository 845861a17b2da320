import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listFiles, publishDirectories, withPublishLock } from './build-publish';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'build-publish-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** Writes a build: files { relative path: content }. */
function writeBuild(dir: string, files: Record<string, string>): void {
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
}

const read = (dir: string) => Object.fromEntries(listFiles(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));

describe('publishDirectories', () => {
  it('moves the new build in, leaves unchanged files untouched and drops what the new build no longer has', () => {
    const live = path.join(root, 'live');
    writeBuild(live, { 'index.html': 'old', 'assets/a-1.js': 'a1', 'favicon.svg': 'icon', 'assets/gone/x.js': 'x' });
    const unchangedInode = fs.statSync(path.join(live, 'favicon.svg')).ino;
    const staged = path.join(root, 'staged');
    writeBuild(staged, { 'index.html': 'new', 'assets/a-2.js': 'a2', 'favicon.svg': 'icon' });

    const result = publishDirectories([[staged, live]]);

    expect(read(live)).toEqual({ 'index.html': 'new', 'assets/a-2.js': 'a2', 'favicon.svg': 'icon' });
    expect(result).toEqual({ replaced: 2, removed: 2, unchanged: 1 });
    expect(fs.statSync(path.join(live, 'favicon.svg')).ino).toBe(unchangedInode);
    expect(fs.existsSync(path.join(live, 'assets/gone'))).toBe(false);
  });

  it('keeps the old client files until the new server build is in', () => {
    const client = path.join(root, 'live/client');
    const server = path.join(root, 'live/server');
    writeBuild(client, { 'assets/a-1.js': 'a1' });
    // index.js of the live server is a non-empty directory: moving the new one in fails.
    writeBuild(server, { 'index.js/in-the-way': 'x' });
    writeBuild(path.join(root, 'staged/client'), { 'assets/a-2.js': 'a2' });
    writeBuild(path.join(root, 'staged/server'), { 'index.js': 'uses a-2' });
    expect(() =>
      publishDirectories([
        [path.join(root, 'staged/client'), client],
        [path.join(root, 'staged/server'), server],
      ]),
    ).toThrow();
    expect(listFiles(client).sort()).toEqual(['assets/a-1.js', 'assets/a-2.js']);
  });

  it('a reader in another process never misses the directory or a file, nor reads half a file', async () => {
    const live = path.join(root, 'live');
    const big = (tag: string) => tag.repeat(200_000); // several pages, so a torn write would show
    const builds: Record<string, string>[] = [
      { 'index.html': big('A'), 'assets/app-a.js': 'a', 'assets/chunk.js': 'shared' },
      { 'index.html': big('B'), 'assets/app-b.js': 'b', 'assets/chunk.js': 'shared', 'sw.js': 'sw' },
    ];
    writeBuild(live, builds[0]!);
    const stop = path.join(root, 'stop');
    // Like wrangler's asset watcher: list the directory and read every file, over and over.
    const reader = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('fs'), path = require('path');
         const [live, stop] = process.argv.slice(1);
         const problems = []; let scans = 0;
         while (!fs.existsSync(stop)) {
           try {
             const files = fs.readdirSync(live, { recursive: true }).filter((f) => fs.statSync(path.join(live, f), { throwIfNoEntry: false })?.isFile());
             const html = fs.readFileSync(path.join(live, 'index.html'), 'utf8');
             if (html !== 'A'.repeat(200000) && html !== 'B'.repeat(200000)) problems.push('torn index.html: ' + html.length);
             if (!files.includes('assets/chunk.js')) problems.push('missing chunk.js');
             scans++;
           } catch (err) { problems.push(err.code + ' ' + err.syscall); }
         }
         console.log(JSON.stringify({ scans, problems: problems.slice(0, 5) }));`,
        live,
        stop,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    reader.stdout.on('data', (d) => (out += d));
    const exited = new Promise((resolve) => reader.on('exit', resolve));
    // Each publish is synchronous: yield between them so this process is not the only one running.
    for (let i = 1; i <= 200; i++) {
      const staged = path.join(root, `staged-${i}`);
      writeBuild(staged, builds[i % 2]!);
      await withPublishLock(path.join(root, 'lock'), () => publishDirectories([[staged, live]]));
      fs.rmSync(staged, { recursive: true, force: true });
      await new Promise((resolve) => setImmediate(resolve));
    }
    fs.writeFileSync(stop, '');
    await exited;
    const { scans, problems } = JSON.parse(out) as { scans: number; problems: string[] };
    expect(problems).toEqual([]);
    expect(scans).toBeGreaterThan(0);
    expect(read(live)).toEqual(builds[0]);
  }, 60_000);
});

describe('withPublishLock', () => {
  it('takes over a lock whose holder no longer exists', async () => {
    const lock = path.join(root, 'lock');
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.on('exit', resolve));
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'pid'), String(dead.pid));
    expect(await withPublishLock(lock, () => 'ran', 5_000)).toBe('ran');
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('makes concurrent publishers take turns', async () => {
    const lock = path.join(root, 'lock');
    const events: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = withPublishLock(lock, () => {
      events.push('first in');
      return held.then(() => events.push('first out'));
    });
    const second = withPublishLock(lock, () => events.push('second in'));
    // Time for the second to try (and find the lock taken); the order below holds however long this takes.
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await first;
    await second;
    expect(events).toEqual(['first in', 'first out', 'second in']);
  });
});
