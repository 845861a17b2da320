/**
 * A call ringing for me, shown over whatever page of the app is open. It does not take the
 * keyboard focus (an Enter meant for the composer must not pick up a call); screen readers
 * hear it through the live region.
 */
import { Avatar } from './Avatar';
import { PhoneIcon, PhoneOffIcon, VideoIcon } from './Icons';
import type { CallMedia } from '../lib/call-state';
import type { CallPeer } from '../context/CallContext';

interface Props {
  peer: CallPeer;
  media: CallMedia;
  onAccept(video: boolean): void;
  onDecline(): void;
  /** A group's call: `peer` is the group, and declining only stops it ringing here. */
  group?: boolean;
}

export function IncomingCall({ peer, media, onAccept, onDecline, group = false }: Props) {
  const kind = `${group ? 'group ' : ''}${media === 'video' ? 'video call' : 'voice call'}`;
  return (
    <section className="incoming-call" aria-labelledby="incoming-call-name" aria-describedby="incoming-call-kind" data-testid="incoming-call" data-media={media}>
      <p className="visually-hidden" role="alert">
        Incoming {kind} from {peer.name}
        {peer.username ? ` (@${peer.username})` : ''}
      </p>
      <span className="incoming-call__avatar">
        <Avatar id={peer.id} name={peer.name} avatarId={peer.avatarId} size="lg" />
      </span>
      <div className="incoming-call__text">
        <h2 id="incoming-call-name">{peer.name}</h2>
        {peer.username && (
          <p className="muted" data-testid="incoming-call-username">
            @{peer.username}
          </p>
        )}
        <p id="incoming-call-kind">Incoming {kind}…</p>
      </div>
      <div className="incoming-call__actions">
        <button type="button" className="round-btn round-btn--danger" aria-label="Decline call" onClick={onDecline} data-testid="decline-call">
          <PhoneOffIcon />
        </button>
        {media === 'video' && (
          <button type="button" className="round-btn round-btn--plain" aria-label="Accept as voice call" title="Answer without video" onClick={() => onAccept(false)} data-testid="accept-voice">
            <PhoneIcon />
          </button>
        )}
        <button
          type="button"
          className="round-btn round-btn--success"
          aria-label={media === 'video' ? 'Accept video call' : 'Accept call'}
          onClick={() => onAccept(true)}
          data-testid="accept-call"
        >
          {media === 'video' ? <VideoIcon /> : <PhoneIcon />}
        </button>
      </div>
    </section>
  );
}
