import { describe, expect, it } from 'vitest';
import { callReducer, IDLE, outcomeText, type CallEvent, type CallView } from './call-state';
import type { CallState } from './protocol';

const ID = '4f7c2b8e-1d1a-4c55-9a57-0d4f0d1a2b3c';
const call = (status: CallState['status'], extra: Partial<CallState> = {}): CallState => ({
  id: ID,
  roomId: 'room',
  media: 'video',
  callerId: 'ann',
  calleeId: 'ben',
  status,
  createdAt: '2026-01-01T10:00:00.000Z',
  startedAt: null,
  endedAt: null,
  ...extra,
});

const run = (...events: CallEvent[]): CallView => events.reduce(callReducer, IDLE);
const dial: CallEvent = { type: 'dial', callId: ID, roomId: 'room', media: 'video', peerId: 'ben' };
const server = (status: CallState['status'], extra: Partial<CallState> = {}, now = 1000): CallEvent => ({
  type: 'server',
  call: call(status, extra),
  now,
});

describe('call state (caller)', () => {
  it('rings, is answered, ends with the server-measured duration', () => {
    let v = run(dial);
    expect(v).toMatchObject({ phase: 'outgoing', status: null, direction: 'outgoing', peerId: 'ben' });
    v = callReducer(v, server('ringing'));
    expect(v).toMatchObject({ phase: 'outgoing', status: 'ringing' });
    v = callReducer(v, server('accepted', { startedAt: '2026-01-01T10:00:05.000Z' }, 5000));
    expect(v).toMatchObject({ phase: 'active', acceptedAt: 5000 });
    // A repeated `accepted` (a rejoin) changes nothing.
    expect(callReducer(v, server('accepted', {}, 9000)).acceptedAt).toBe(5000);
    v = callReducer(v, server('ended', { startedAt: '2026-01-01T10:00:05.000Z', endedAt: '2026-01-01T10:03:17.000Z' }));
    expect(v).toMatchObject({ phase: 'ended', outcome: 'ended', durationMs: 192_000 });
  });

  it('maps refusals to what the caller is told', () => {
    expect(run(dial, server('rejected')).outcome).toBe('declined');
    expect(run(dial, server('missed')).outcome).toBe('no-answer');
    expect(run(dial, server('busy')).outcome).toBe('busy');
    expect(outcomeText(run(dial, server('busy')), 'Ben')).toBe('Ben is on another call');
    expect(outcomeText(run(dial, server('rejected')), 'Ben')).toBe('Ben declined the call');
  });

  it('hanging up while it rings cancels; a late server frame does not revive it', () => {
    const v = run(dial, server('ringing'), { type: 'hangup', now: 2000 });
    expect(v).toMatchObject({ phase: 'ended', outcome: 'cancelled' });
    expect(callReducer(v, server('missed'))).toBe(v);
    expect(callReducer(v, server('accepted'))).toBe(v);
  });

  it('ignores frames of other calls', () => {
    const v = run(dial);
    expect(callReducer(v, { type: 'server', call: { ...call('accepted'), id: 'other' }, now: 1 })).toBe(v);
  });
});

describe('call state (callee)', () => {
  const ring: CallEvent = { type: 'ring', call: call('ringing') };

  it('rings, is answered here, and becomes active', () => {
    let v = run(ring);
    expect(v).toMatchObject({ phase: 'incoming', direction: 'incoming', peerId: 'ann', media: 'video' });
    v = callReducer(v, { type: 'answer' });
    expect(v.phase).toBe('accepting');
    v = callReducer(v, server('accepted', {}, 42));
    expect(v).toMatchObject({ phase: 'active', acceptedAt: 42 });
  });

  it('stops ringing when answered in another tab or when the caller gives up', () => {
    expect(run(ring, server('accepted')).outcome).toBe('answered-elsewhere');
    expect(run(ring, server('missed')).outcome).toBe('missed');
    expect(run(ring, { type: 'hangup', now: 1 }).outcome).toBe('declined');
  });

  it('does not ring over a call in progress', () => {
    const busy = run(dial, server('accepted'));
    expect(callReducer(busy, { type: 'ring', call: { ...call('ringing'), id: 'x' } })).toBe(busy);
  });

  it('fails with a reason, and resets', () => {
    const v = run(ring, { type: 'answer' }, { type: 'fail', error: 'No microphone', now: 1 });
    expect(v).toMatchObject({ phase: 'ended', outcome: 'failed', error: 'No microphone' });
    expect(outcomeText(v, 'Ann')).toBe('No microphone');
    expect(callReducer(v, { type: 'reset' })).toEqual(IDLE);
  });
});
