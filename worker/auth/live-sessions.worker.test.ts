import { describe, expect, it } from 'vitest';
import { ENDED_SESSION_MEMORY_MS } from '../../durable-objects/shared/used-tickets';
import { LIVE_SESSION_CACHE_MS, LIVE_SESSION_OUTAGE_GRACE_MS } from './live-sessions';
import { WS_TICKET_TTL_SECONDS } from '../../durable-objects/shared/tokens';

describe('how long rooms and inboxes remember an ended session', () => {
  it('outlasts every ticket that could still name it', () => {
    // A ticket is minted at most this long after the session ended (a stale live answer
    // elsewhere), then lives its TTL; its upgrade asks only the object's memory.
    const latestMintAfterEnd = Math.max(LIVE_SESSION_CACHE_MS, LIVE_SESSION_OUTAGE_GRACE_MS);
    expect(ENDED_SESSION_MEMORY_MS).toBeGreaterThan(latestMintAfterEnd + WS_TICKET_TTL_SECONDS * 1000);
  });
});
