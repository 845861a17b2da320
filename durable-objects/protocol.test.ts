import { describe, expect, it } from 'vitest';
import { RECEIVED_EVERY_MESSAGES, deliveryReporter, personToken, quotedInSystemLine, systemParts, type ServerFrame, type WireMessage } from './protocol';

const message = (seq: number) => ({ seq }) as WireMessage;

describe('deliveryReporter', () => {
  it('reports after every catch-up and every RECEIVED_EVERY_MESSAGES messages, with the newest seq', () => {
    const report = deliveryReporter();
    expect(report({ type: 'history', messages: [message(1), message(2)] })).toBeUndefined();
    expect(report({ type: 'synced', lastSeq: 2, complete: true })).toEqual({ type: 'received', seq: 2 });
    const due: (number | undefined)[] = [];
    for (let seq = 3; seq < 3 + RECEIVED_EVERY_MESSAGES * 2; seq++) {
      due.push(report({ type: 'message', message: message(seq) } as ServerFrame)?.seq);
    }
    expect(due.filter((d) => d !== undefined)).toEqual([2 + RECEIVED_EVERY_MESSAGES, 2 + RECEIVED_EVERY_MESSAGES * 2]);
    // Frames that are not messages neither count nor report.
    expect(report({ type: 'typing', userId: 'u', until: 0 })).toBeUndefined();
  });
});

describe('system lines', () => {
  const id = '3f2a1c4e-0000-4000-8000-000000000001';
  it('round-trips people and text', () => {
    const line = `${personToken(id, 'ann')} renamed the group to "x"`;
    expect(systemParts(line)).toEqual([{ userId: id, label: 'ann' }, { text: ' renamed the group to "x"' }]);
    expect(systemParts('ann left')).toEqual([{ text: 'ann left' }]);
  });
  it('keeps a display name with token characters inside its token', () => {
    expect(systemParts(`${personToken(id, 'Ann <3 | >')} left`)).toEqual([{ userId: id, label: 'Ann <3 ¦ ›' }, { text: ' left' }]);
  });
  it('keeps typed text from reading as a person', () => {
    const typed = quotedInSystemLine(`${personToken(id, 'ann')} rules`);
    expect(systemParts(`"${typed}"`).every((p) => 'text' in p)).toBe(true);
  });
});
