/**
 * Requests answered before their body was read (refused for a missing token, a foreign origin,
 * a body that is not JSON) must not hang the requests after them. Under `wrangler dev` about one
 * in twelve did, for good, until the Worker read such bodies to their end (worker/http/unread-body.ts).
 */
import { describe, expect, it } from 'vitest';
import { e2eApi } from '../support/e2e';

const api = e2eApi();
const ROUNDS = 90;
const ANSWER_WITHIN_MS = 5_000;

const body = JSON.stringify({ roomId: crypto.randomUUID(), seq: 1, to: [crypto.randomUUID()], clientId: 'unread' });
const refusals: { status: number; headers: Record<string, string> }[] = [
  { status: 401, headers: { origin: api.origin, 'content-type': 'application/json' } },
  { status: 403, headers: { origin: 'http://evil.test', 'content-type': 'application/json' } },
  { status: 415, headers: { origin: api.origin, 'content-type': 'text/plain' } },
];

describe('a request refused before its body was read', () => {
  it('leaves every later request answered', async () => {
    const unanswered: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const refusal = refusals[round % refusals.length]!;
      const refused = await fetch(`${api.baseUrl}/api/forward`, { method: 'POST', headers: refusal.headers, body });
      expect(refused.status).toBe(refusal.status);
      await refused.text();
      try {
        const next = await fetch(`${api.baseUrl}/api/health`, { signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
        expect(next.status).toBe(200);
        await next.text();
      } catch (err) {
        if ((err as Error).name !== 'TimeoutError') throw err;
        unanswered.push(`round ${round}, after a ${refusal.status}`);
      }
    }
    expect(unanswered, `requests left unanswered for ${ANSWER_WITHIN_MS} ms`).toEqual([]);
  });
});
