import { describe, expect, it } from 'vitest';
import { ConcurrencyGate } from './concurrency-gate';

describe('ConcurrencyGate', () => {
  it('lets each key run at most `max` at once, others unaffected; a release is counted once', () => {
    const gate = new ConcurrencyGate(2);
    const a1 = gate.enter('ann')!;
    const a2 = gate.enter('ann')!;
    expect(gate.enter('ann')).toBeUndefined();
    expect(gate.enter('ben')).toBeDefined();
    a1();
    a1();
    const a3 = gate.enter('ann');
    expect(a3).toBeDefined();
    expect(gate.enter('ann')).toBeUndefined();
    a2();
    a3!();
    expect(gate.enter('ann')).toBeDefined();
  });
});
