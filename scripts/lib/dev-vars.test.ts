import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { devVarsExamplePath } from './paths';
import { ensureDevVars, parseDevVars } from './dev-vars';

describe('parseDevVars', () => {
  it('reads KEY=VALUE lines, skipping comments and unquoting values', () => {
    const vars = parseDevVars('# comment\n\nA=1\nB = "two # not a comment"\nC=three # comment\nexport D=\'4\'\n# E=5\n');
    expect(vars).toEqual({ A: '1', B: 'two # not a comment', C: 'three', D: '4' });
  });

  it('keeps colons and equals signs inside values', () => {
    expect(parseDevVars('DATABASE_URL=postgres://u@h:5432/db?x=y')).toEqual({ DATABASE_URL: 'postgres://u@h:5432/db?x=y' });
  });
});

describe('ensureDevVars', () => {
  it('copies the real example with a fresh JWT_SECRET and leaves database vars unset', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-vars-'));
    const file = path.join(dir, '.dev.vars');
    try {
      const first = ensureDevVars({ file, example: devVarsExamplePath, log: () => {} });
      expect(first.JWT_SECRET).toMatch(/^[\w-]{64}$/);
      expect(first.DATABASE_URL).toBeUndefined();
      expect(first.PG_RELAY_URL).toBeUndefined();
      // An existing file is never rewritten.
      expect(ensureDevVars({ file, example: devVarsExamplePath, log: () => {} }).JWT_SECRET).toBe(first.JWT_SECRET);
      expect(fs.statSync(file).mode & 0o077).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives a new .dev.vars a VAPID key pair of its own, and adds one to an older file without', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-vars-'));
    const file = path.join(dir, '.dev.vars');
    try {
      const first = ensureDevVars({ file, example: devVarsExamplePath, log: () => {} });
      expect(first.VAPID_PUBLIC_KEY).toMatch(/^B[\w-]{86}$/);
      expect(first.VAPID_PRIVATE_KEY).toMatch(/^[\w-]{43}$/);
      expect(ensureDevVars({ file, example: devVarsExamplePath, log: () => {} }).VAPID_PRIVATE_KEY).toBe(first.VAPID_PRIVATE_KEY);
      fs.writeFileSync(file, 'JWT_SECRET=kept-as-it-was-kept-as-it-was-kept-as-it-was');
      const upgraded = ensureDevVars({ file, example: devVarsExamplePath, log: () => {} });
      expect(upgraded.JWT_SECRET).toBe('kept-as-it-was-kept-as-it-was-kept-as-it-was');
      expect(upgraded.VAPID_PRIVATE_KEY).toMatch(/^[\w-]{43}$/);
      expect(upgraded.VAPID_PRIVATE_KEY).not.toBe(first.VAPID_PRIVATE_KEY);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
