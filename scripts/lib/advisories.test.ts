import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { audit, compareVersions, type Advisory } from './advisories';

const drizzle: Advisory = { package: 'drizzle-orm', id: 'GHSA-gpj5-g38j-94v9', summary: '', introduced: '0.0.0', fixed: '0.45.2' };

describe('offline dependency audit', () => {
  it('compares versions, pre-releases below their release', () => {
    expect(compareVersions('0.44.7', '0.45.2')).toBe(-1);
    expect(compareVersions('0.45.2', '0.45.2')).toBe(0);
    expect(compareVersions('1.0.0-rc.5', '1.0.0')).toBe(-1);
    expect(compareVersions('0.45.10', '0.45.2')).toBe(1);
  });
  it('finds an affected copy anywhere in the tree, and passes a fixed one', () => {
    const lock = { packages: { '': {}, 'node_modules/drizzle-orm': { version: '0.45.4' }, 'node_modules/x/node_modules/drizzle-orm': { version: '0.44.7' } } };
    expect(audit(lock, [drizzle]).map((f) => f.path)).toEqual(['node_modules/x/node_modules/drizzle-orm']);
  });
  it('the checked-in lockfile has no known-advised version', () => {
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
    const { advisories } = JSON.parse(readFileSync('scripts/advisories.json', 'utf8')) as { advisories: Advisory[] };
    expect(audit(lock, advisories)).toEqual([]);
  });
});
