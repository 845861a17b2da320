/**
 * Search as denial of service (issue 20 #4), against `wrangler dev` and PostgreSQL: one
 * person's message searches are rate limited. The other guards are tested beside their
 * code: the per-user concurrency gate (worker/search/search-guard.test.ts) and the
 * server-side statement_timeout (drizzle/queries/statement-timeout.worker.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { e2eApi, expectError } from '../support/e2e';
import { sendUntilRefused } from '../support/rate-limit';

const api = e2eApi();

describe('message search limits', () => {
  it('answers 429 past the per-user search rate; another user still searches', async () => {
    const [ann, ben] = [await api.register('ann'), await api.register('ben')];
    const search = (token: string, i: number) => api.request('GET', `/api/search/messages?q=w${i}`, undefined, token);
    await sendUntilRefused({ burst: 20, perMinute: 20 }, 200, (i) => search(ann.token, i));
    const refused = await expectError(await search(ann.token, 999), 429, 'rate_limited');
    expect(refused.message).toMatch(/too many searches/);
    expect((await search(ben.token, 1)).status).toBe(200);
  });
});
