/**
 * A client that loses its connection while messages keep coming, and comes back
 * with `after=<last seq it saw>`, ends up with every message exactly once, in
 * order: the room's catch-up and its live stream meet without a gap or overlap.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { WireMessage } from '../../durable-objects/protocol';
import { connectAs, directPair, e2eApi, until } from '../support/e2e';
import { closeAllSockets, type TestSocket } from '../support/ws-client';

const api = e2eApi();
afterAll(closeAllSockets);

// Under the room's default per-user burst (30 frames), so no send is rate limited.
const TOTAL = 28;
const SEND_INTERVAL_MS = 20;

describe('reconnecting mid-stream', () => {
  it('gets exactly what it missed, no duplicates, in order, while the sender keeps sending', async () => {
    const { alice, bob, roomId } = await directPair(api);
    const a = await connectAs(api, alice, roomId);
    let b = await connectAs(api, bob, roomId);
    expect(b.ready.lastSeq).toBe(0);

    // Alice sends continuously at a steady pace (a message every SEND_INTERVAL_MS once the
    // previous one is acked), so the stream outlasts Bob's reconnects by a wide margin.
    const acked: { clientId: string; seq: number; id: string }[] = [];
    const sending = (async () => {
      for (let i = 0; i < TOTAL; i++) {
        const clientId = `stream-${i}`;
        a.send({ type: 'send', clientId, content: `stream message ${i}` });
        acked.push(await a.inbox.next('ack', (f) => f.clientId === clientId, 10_000));
        await new Promise((r) => setTimeout(r, SEND_INTERVAL_MS));
      }
    })();
    sending.catch(() => {}); // awaited below; don't report twice

    // Everything Bob processed, across all his connections, in the order he processed it.
    const seen: WireMessage[] = [];
    const catchUps: { after: number; replayed: number[]; synced: number }[] = [];

    /** Reads frames in arrival order until Bob has seen `count` messages (or the last one). */
    async function readUntil(socket: TestSocket, count: number): Promise<void> {
      while (seen.length < count) {
        const frame = await socket.inbox.nextOf(['message', 'history', 'synced'], 10_000);
        if (frame.type === 'message') seen.push(frame.message);
        else if (frame.type === 'history') seen.push(...frame.messages);
      }
    }

    /** Connects with after=<last seq seen> and checks the catch-up comes first, then goes live. */
    async function reconnect(): Promise<TestSocket> {
      const after = seen.at(-1)!.seq;
      const socket = await connectAs(api, bob, roomId, after);
      const replayed: number[] = [];
      if (socket.ready.lastSeq > after) {
        for (;;) {
          const frame = await socket.inbox.nextOf(['history', 'synced', 'message'], 10_000);
          if (frame.type === 'message') throw new Error(`live message ${frame.message.seq} before the catch-up ended`);
          if (frame.type === 'synced') {
            expect(frame).toEqual({ type: 'synced', lastSeq: socket.ready.lastSeq, complete: true });
            catchUps.push({ after, replayed, synced: frame.lastSeq });
            break;
          }
          replayed.push(...frame.messages.map((m) => m.seq));
          seen.push(...frame.messages);
        }
      }
      return socket;
    }

    /** Drops Bob's socket abruptly, then waits until Alice has got at least `more` further acks. */
    async function dropAndMiss(socket: TestSocket, more: number): Promise<void> {
      const lastSeen = seen.at(-1)!.seq;
      socket.drop();
      await until(() => acked.length > 0 && acked.at(-1)!.seq >= lastSeen + more, 10_000, `alice sending ${more} more`);
    }

    await readUntil(b, 6);
    expect(acked.length, 'alice still sending when bob drops').toBeLessThan(TOTAL);
    await dropAndMiss(b, 3);

    b = await reconnect();
    await readUntil(b, 16);
    expect(acked.length, 'alice still sending when bob drops again').toBeLessThan(TOTAL);
    await dropAndMiss(b, 3);

    b = await reconnect();
    await sending;
    await readUntil(b, TOTAL);

    // Exactly what Alice was acked: every seq once, in order, with the same ids and contents.
    expect(acked.map((x) => x.seq)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    expect(seen.map((m) => m.seq)).toEqual(acked.map((x) => x.seq));
    expect(seen.map((m) => m.id)).toEqual(acked.map((x) => x.id));
    expect(seen.map((m) => m.content)).toEqual(acked.map((_, i) => `stream message ${i}`));
    expect(seen.every((m) => m.senderId === alice.id)).toBe(true);

    // Both catch-ups really replayed something (Bob was away while Alice sent), starting right after `after`.
    expect(catchUps).toHaveLength(2);
    for (const c of catchUps) {
      expect(c.replayed.length).toBeGreaterThanOrEqual(3);
      expect(c.replayed[0]).toBe(c.after + 1);
      expect(c.replayed.at(-1)).toBe(c.synced);
    }

    // Nothing more trickles in afterwards, and nothing went wrong on either side.
    expect(await b.inbox.none('message', 300)).toHaveLength(0);
    expect(a.inbox.all('error')).toEqual([]);
    expect(b.inbox.all('error')).toEqual([]);
  });
});
