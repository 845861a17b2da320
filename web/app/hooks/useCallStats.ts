/**
 * A connection's quality, sampled from RTCPeerConnection.getStats() every two seconds while the
 * media path is up: round-trip time, packet loss and the kind of route (direct, via STUN, or
 * relayed through TURN). The source is a 1-to-1 call (CallClient) or one participant of a group
 * call (GroupCallClient.statsOf).
 */
import { useEffect, useState } from 'react';
import type { LinkStats } from '../services/peer-link';

const EVERY_MS = 2000;

/** The words for a quality, on the 1-to-1 call's badge and as a group tile's text alternative. */
export const QUALITY_TEXT = { good: 'Good connection', fair: 'Fair connection', poor: 'Poor connection', unknown: 'Connected' } as const;

export interface StatsSource {
  stats(): Promise<LinkStats | null>;
}

export function useCallStats(client: StatsSource, active: boolean): LinkStats | null {
  const [stats, setStats] = useState<LinkStats | null>(null);
  useEffect(() => {
    if (!active) {
      setStats(null);
      return;
    }
    let cancelled = false;
    const sample = () =>
      client
        .stats()
        .then((s) => !cancelled && setStats(s))
        .catch(() => {
          // A closing connection has no stats: keep the last ones.
        });
    void sample();
    const timer = setInterval(sample, EVERY_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [client, active]);
  return stats;
}

/** Seconds since `since` (epoch ms), ticking once a second; null without a start. */
export function useElapsed(since: number | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (since === null) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [since]);
  return since === null ? null : Math.max(0, Math.floor((now - since) / 1000));
}
