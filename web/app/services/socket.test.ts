/**
 * ReconnectingSocket's close handling, with a stand-in WebSocket: any close the protocol does not
 * call final (CLOSE_CODES.notAMember) reconnects — including codes it does not know yet, such as
 * a future "you fell behind: reconnect with after=" — with a fresh URL (new ticket, `after`).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLOSE_CODES } from '../lib/protocol';
import { UNREACHABLE_EVENT } from './api';
import { ReconnectingSocket, type ConnectionState } from './socket';

class FakeSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;
  static all: FakeSocket[] = [];
  readyState = FakeSocket.CONNECTING;
  onopen: (() => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(_data: string) {}
  close() {
    this.readyState = FakeSocket.CLOSED;
  }
  open() {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
  serverCloses(code: number) {
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code, reason: '' });
  }
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.all = [];
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal('window', Object.assign(new EventTarget(), { location: { protocol: 'http:', host: 'app.test' } }));
  vi.stubGlobal('document', Object.assign(new EventTarget(), { visibilityState: 'visible' }));
  vi.stubGlobal('navigator', { onLine: true });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function socket(onSessionEnded = () => {}) {
  let attempt = 0;
  const states: ConnectionState[] = [];
  const s = new ReconnectingSocket<unknown>({
    connectUrl: async () => `ws://app.test/ws?attempt=${++attempt}`,
    parse: (d) => d,
    onFrame: () => {},
    onState: (st) => states.push(st),
    onSessionEnded,
  });
  return { s, states };
}

/** Lets the connect() promise chain run. */
async function settle() {
  await vi.advanceTimersByTimeAsync(0);
}

/** The backoff wait (the only timer left after a close) runs out; the next attempt starts. */
async function backoffEnds() {
  await vi.advanceTimersToNextTimerAsync();
  await settle();
}

describe('ReconnectingSocket', () => {
  it('reconnects with a fresh URL after a close code it does not know (e.g. "fell behind")', async () => {
    const { s } = socket();
    s.start();
    await settle();
    expect(FakeSocket.all).toHaveLength(1);
    FakeSocket.all[0]!.open();
    FakeSocket.all[0]!.serverCloses(4409);
    expect(s.current.status).toBe('waiting');
    await backoffEnds();
    expect(FakeSocket.all).toHaveLength(2);
    expect(FakeSocket.all[1]!.url).toBe('ws://app.test/ws?attempt=2');
    s.stop();
  });

  it('reconnects after a session end (refreshing first) and after an abnormal close', async () => {
    const ended = vi.fn();
    const { s } = socket(ended);
    s.start();
    await settle();
    FakeSocket.all[0]!.open();
    FakeSocket.all[0]!.serverCloses(CLOSE_CODES.sessionEnded);
    expect(ended).toHaveBeenCalledOnce();
    await backoffEnds();
    FakeSocket.all[1]!.open();
    FakeSocket.all[1]!.serverCloses(1006);
    await backoffEnds();
    expect(FakeSocket.all).toHaveLength(3);
    s.stop();
  });

  it('checks its link at once when a request found no connection, and gives a silent one up within 5 s', async () => {
    const { s } = socket();
    s.start();
    await settle();
    const ws = FakeSocket.all[0]!;
    const sent: string[] = [];
    ws.send = (data: string) => void sent.push(data);
    ws.open();
    window.dispatchEvent(new Event(UNREACHABLE_EVENT));
    expect(sent).toEqual(['{"type":"ping"}']);
    await vi.advanceTimersByTimeAsync(5000);
    // No pong: the link was dead; a new attempt is under way.
    expect(s.current.status).not.toBe('open');
    await backoffEnds();
    expect(FakeSocket.all.length).toBeGreaterThan(1);
    s.stop();
  });

  it('stops for good when it is no longer a member', async () => {
    const { s } = socket();
    s.start();
    await settle();
    FakeSocket.all[0]!.open();
    FakeSocket.all[0]!.serverCloses(CLOSE_CODES.notAMember);
    expect(s.current.status).toBe('failed');
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    s.stop();
  });
});
