import { describe, expect, it } from 'vitest';
import { myCallOutcome, type LoggedCall } from './call-outcome';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s));
const direct = (status: LoggedCall['status'], extra: Partial<LoggedCall> = {}): LoggedCall => ({
  kind: 'direct',
  status,
  callerId: 'ann',
  startedAt: null,
  endedAt: at(30),
  mine: null,
  ...extra,
});

describe('a call as one person saw it', () => {
  it('direct: the caller hears "no answer" where the callee missed it; declined and busy read alike', () => {
    expect(myCallOutcome(direct('missed'), 'ann')).toEqual({ direction: 'outgoing', outcome: 'no_answer', durationMs: null });
    expect(myCallOutcome(direct('missed'), 'ben')).toEqual({ direction: 'incoming', outcome: 'missed', durationMs: null });
    expect(myCallOutcome(direct('rejected'), 'ben').outcome).toBe('declined');
    expect(myCallOutcome(direct('busy'), 'ann').outcome).toBe('busy');
  });

  it('direct: an answered call lasts from pick-up to hang-up; one not over yet is ongoing', () => {
    expect(myCallOutcome(direct('accepted', { startedAt: at(5), endedAt: at(35) }), 'ben')).toMatchObject({ outcome: 'completed', durationMs: 30_000 });
    expect(myCallOutcome(direct('accepted', { startedAt: at(5), endedAt: null }), 'ben').outcome).toBe('ongoing');
    expect(myCallOutcome(direct('ringing', { endedAt: null }), 'ann').outcome).toBe('ongoing');
  });

  it('group: my own time in it, or missed; nobody joining the starter is "no answer"', () => {
    const group = (status: LoggedCall['status'], mine: LoggedCall['mine']): LoggedCall => ({ ...direct(status), kind: 'group', mine });
    expect(myCallOutcome(group('accepted', { status: 'joined', durationMs: 12_000 }), 'cat')).toEqual({ direction: 'incoming', outcome: 'completed', durationMs: 12_000 });
    expect(myCallOutcome(group('accepted', { status: 'missed', durationMs: 0 }), 'cat').outcome).toBe('missed');
    expect(myCallOutcome(group('missed', { status: 'joined', durationMs: 9_000 }), 'ann').outcome).toBe('no_answer');
    expect(myCallOutcome(group('missed', { status: 'missed', durationMs: 0 }), 'cat').outcome).toBe('missed');
  });
});
