import { describe, expect, it } from 'vitest';
import { MarkerScan } from './marker-scan';

describe('MarkerScan', () => {
  it('counts every hit once, also across chunk boundaries, and keeps the lines around them', () => {
    const scan = new MarkerScan('SECRET-1');
    scan.feed('clean line\nfirst SEC');
    scan.feed('RET-1 hit\nand SECRET-1 SECRET-1 twice\n');
    scan.feed('SECRET-');
    scan.feed('1');
    expect(scan.hits).toBe(4);
    expect(scan.samples[0]).toBe('first SECRET-1 hit');
    expect(scan.report('the app')).toMatch(/printed the private marker 4 time/);
  });

  it('reports nothing for clean output', () => {
    const scan = new MarkerScan('SECRET-1');
    scan.feed('SECRET-2 SECRET- 1');
    expect(scan.hits).toBe(0);
    expect(scan.report('the app')).toBeUndefined();
  });
});
