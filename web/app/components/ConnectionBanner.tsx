/**
 * Connection state of the open room. Always present in the DOM with `data-state`
 * (connected | connecting | reconnecting | offline | failed) so tests and assistive tech can
 * read it; visible only when something is wrong or the first connection takes a while.
 */
import { useEffect, useState } from 'react';
import type { ConnectionState } from '../services/socket';

interface Props {
  state: ConnectionState;
  synced: boolean;
  pendingCount: number;
  onRetry(): void;
}

export type BannerState = 'connected' | 'connecting' | 'reconnecting' | 'offline' | 'failed';

export function bannerState(state: ConnectionState, synced: boolean): BannerState {
  switch (state.status) {
    case 'open':
      return synced ? 'connected' : 'connecting';
    case 'connecting':
      return state.attempt > 0 ? 'reconnecting' : 'connecting';
    case 'waiting':
      return 'reconnecting';
    case 'offline':
      return 'offline';
    case 'failed':
      return 'failed';
    case 'closed':
      return 'connecting';
  }
}

export function ConnectionBanner({ state, synced, pendingCount, onRetry }: Props) {
  const kind = bannerState(state, synced);
  const [now, setNow] = useState(() => Date.now());
  // Do not flash "Connecting…" on a fast first connection.
  const [slow, setSlow] = useState(false);

  useEffect(() => {
    if (kind !== 'connecting') {
      setSlow(false);
      return;
    }
    const t = setTimeout(() => setSlow(true), 1200);
    return () => clearTimeout(t);
  }, [kind]);

  useEffect(() => {
    if (state.status !== 'waiting') return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [state.status]);

  const show = kind === 'reconnecting' || kind === 'offline' || kind === 'failed' || (kind === 'connecting' && slow);
  const unsent = pendingCount > 0 ? ` ${pendingCount === 1 ? '1 message' : `${pendingCount} messages`} will be sent when you're back.` : '';

  let text = '';
  if (kind === 'connecting') text = 'Connecting…';
  else if (kind === 'offline') text = `You're offline.${unsent}`;
  else if (kind === 'failed') text = state.status === 'failed' ? state.reason : 'Cannot connect.';
  else if (state.status === 'waiting') {
    const secs = Math.max(0, Math.ceil((state.retryAt - now) / 1000));
    text = `Connection lost. Reconnecting${secs > 0 ? ` in ${secs}s` : ''}…${unsent}`;
  } else text = `Reconnecting…${unsent}`;

  return (
    <div
      className={`connection${show ? ' connection--show' : ''} connection--${kind}`}
      data-testid="connection-state"
      data-state={kind}
      role="status"
      aria-live="polite"
    >
      {show && (
        <>
          <span className="connection__dot" aria-hidden="true" />
          <span className="connection__text">{text}</span>
          {(state.status === 'waiting' || kind === 'offline') && (
            <button type="button" className="link-btn" onClick={onRetry}>
              Retry now
            </button>
          )}
        </>
      )}
    </div>
  );
}
