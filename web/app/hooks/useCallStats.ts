/**
 * The call's connection quality, sampled from RTCPeerConnection.getStats() every two seconds
 * while the media path is up: round-trip time, packet loss and the kind of route
 * (direct, via STUN, or relayed through TURN).
 */
import { useEffect, useState } from 'react';
import type { CallClient } from '../services/call-client';
import type { LinkStats } from '../services/peer-link';

const EVERY_MS = 2000;

export function useCallStats(client: CallClient, active: boolean): LinkStats | null {
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
