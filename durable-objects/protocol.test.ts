import { describe, expect, it } from 'vitest';
import { RECEIVED_EVERY_MESSAGES, deliveryReporter, type ServerFrame, type WireMessage } from './protocol';

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
