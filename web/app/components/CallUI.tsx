/**
 * The call screen (full screen, over the app): the other person's video (or their avatar),
 * my own preview, the call's duration and connection quality, and the controls — mute,
 * camera on/off (or "switch to video" in a voice call), screen sharing, hang up. When the
 * call is over it says how (declined, no answer, busy, ended after 3:12) for a moment. In a
 * secret chat it says whether the call is bound end to end to the other person's device
 * ("End-to-end encrypted", "· verified" with a verified safety number; docs/e2e.md).
 *
 * Loaded on demand (React.lazy in context/CallContext.tsx): the chat page does not ship it.
 */
import { useEffect, useRef } from 'react';
import type { CallHandle, CallPeer } from '../context/CallContext';
import { outcomeText } from '../lib/call-state';
import { formatDuration } from '../lib/format';
import { QUALITY_TEXT, useCallStats, useElapsed } from '../hooks/useCallStats';
import { useCallScreen, useVideo } from '../hooks/useCallScreen';
import { Avatar } from './Avatar';
import { LockIcon, MicOffIcon, PhoneOffIcon, SignalIcon } from './Icons';
import { CallMediaButtons } from './CallMediaButtons';

const ROUTE_TEXT: Record<string, string> = { host: 'Direct', srflx: 'Direct (NAT)', prflx: 'Direct (NAT)', relay: 'Relayed' };

export default function CallUI({ call, peer }: { call: CallHandle; peer: CallPeer }) {
  const { snapshot, client } = call;
  const v = snapshot.view;
  const { media, localStream, run, line, rootRef } = useCallScreen(client.media, snapshot);
  const live = v.phase === 'outgoing' || v.phase === 'accepting' || v.phase === 'active';
  const connected = v.phase === 'active' && snapshot.link === 'connected';
  const stats = useCallStats(client, v.phase === 'active' && snapshot.link !== 'new');
  const elapsed = useElapsed(v.phase === 'active' ? v.acceptedAt : null);

  const remoteRef = useVideo(snapshot.remoteStream);
  const localRef = useVideo(localStream);

  // The outcome's Close button takes the focus when the call ends.
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (v.phase === 'ended') closeRef.current?.focus();
  }, [v.phase]);

  const peerVideo = snapshot.remoteVideo && (snapshot.peerMedia?.video ?? true);
  const peerSharing = snapshot.peerMedia?.sharing ?? false;

  let status: string;
  if (v.phase === 'outgoing') status = v.status === 'ringing' ? 'Ringing…' : 'Calling…';
  else if (v.phase === 'accepting') status = 'Connecting…';
  else if (v.phase === 'active') {
    if (snapshot.link === 'connected') status = formatDuration((elapsed ?? 0) * 1000);
    else if (snapshot.link === 'reconnecting') status = 'Reconnecting…';
    else if (snapshot.link === 'failed') status = 'Connection failed';
    else status = 'Connecting…';
  } else {
    status = outcomeText(v, peer.name);
    if (v.outcome === 'ended' && v.durationMs) status += ` · ${formatDuration(v.durationMs)}`;
  }

  const quality = stats?.quality ?? 'unknown';

  return (
    <div
      className={`call${peerVideo ? ' call--video' : ''}${v.phase === 'ended' ? ' call--ended' : ''}`}
      role="dialog"
      aria-modal="true"
      aria-labelledby="call-peer-name"
      aria-describedby="call-status"
      tabIndex={-1}
      ref={rootRef}
      onKeyDown={(e) => {
        // Escape closes the outcome; it never hangs up a call (that takes the red button).
        if (e.key === 'Escape' && v.phase === 'ended') call.dismiss();
      }}
      data-testid="call-screen"
      data-phase={v.phase}
      data-link={snapshot.link}
      data-media={v.media}
      data-call-id={v.callId ?? undefined}
    >
      <video
        ref={remoteRef}
        className={`call__remote${peerSharing ? ' call__remote--screen' : ''}`}
        hidden={!peerVideo}
        autoPlay
        playsInline
        data-testid="remote-video"
      />

      <header className="call__top">
        <div className={`call__who${peerVideo ? ' call__who--compact' : ''}`}>
          {!peerVideo && (
            <span className={`call__avatar${v.phase === 'outgoing' ? ' call__avatar--ringing' : ''}`}>
              <Avatar id={peer.id} name={peer.name} avatarId={peer.avatarId} size="lg" />
            </span>
          )}
          <h2 id="call-peer-name">{peer.name}</h2>
          <p id="call-status" className="call__status" data-testid={v.phase === 'ended' ? 'call-outcome' : 'call-status'} data-outcome={v.outcome ?? undefined} aria-live="polite">
            {status}
          </p>
          {v.phase === 'active' && (
            <p className="call__badges">
              {connected && (
                <span className={`call__badge call__badge--${quality}`} data-testid="call-quality" data-quality={quality} data-route={stats?.localCandidateType ?? undefined} title={stats?.rttMs != null ? `Round trip ${stats.rttMs} ms` : undefined}>
                  <SignalIcon size={14} />
                  {QUALITY_TEXT[quality]}
                  {stats?.localCandidateType && ` · ${ROUTE_TEXT[stats.localCandidateType] ?? stats.localCandidateType}`}
                </span>
              )}
              {snapshot.e2e && snapshot.e2e.state !== 'failed' && (
                <span className="call__badge" data-testid="call-e2e" data-state={snapshot.e2e.state} data-identity-verified={snapshot.e2e.identityVerified}>
                  <LockIcon size={14} />
                  {snapshot.e2e.state === 'verified'
                    ? `End-to-end encrypted${snapshot.e2e.identityVerified ? ' · verified' : ''}`
                    : 'Checking end-to-end encryption…'}
                </span>
              )}
              {snapshot.peerMedia?.muted && (
                <span className="call__badge" data-testid="peer-muted">
                  <MicOffIcon size={14} /> {peer.name} is muted
                </span>
              )}
              {peerSharing && <span className="call__badge">{peer.name} is sharing their screen</span>}
            </p>
          )}
        </div>
      </header>

      {localStream && live && (
        <video
          ref={localRef}
          className={`call__local${media.sharing ? '' : ' call__local--mirror'}`}
          muted
          autoPlay
          playsInline
          aria-label={media.sharing ? 'Your shared screen' : 'Your camera'}
          data-testid="local-video"
        />
      )}

      {line && live && (
        <p className="call__notice" role="status">
          {line}
        </p>
      )}

      {live ? (
        <div className="call__controls" role="toolbar" aria-label="Call controls">
          <CallMediaButtons local={client.media} media={media} voiceCall={v.media === 'voice'} canShare={v.phase === 'active'} run={run} testIdPrefix="call" />
          <button type="button" className="round-btn round-btn--danger" aria-label="Hang up" onClick={call.hangUp} data-testid="call-hangup">
            <PhoneOffIcon />
          </button>
        </div>
      ) : (
        <div className="call__controls">
          {v.direction === 'outgoing' && v.outcome !== 'ended' && v.roomId && (
            <button type="button" className="btn call__btn" onClick={() => call.dial(v.roomId!, peer.id, v.media, client.inSecretChat)} data-testid="call-again">
              Call again
            </button>
          )}
          <button type="button" className="btn call__btn" ref={closeRef} onClick={call.dismiss} data-testid="call-close">
            Close
          </button>
        </div>
      )}
    </div>
  );
}
