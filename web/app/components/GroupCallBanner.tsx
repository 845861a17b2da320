/**
 * "Call in progress — Join" at the top of a group whose call I am not in: who is in it, and a
 * Join button (disabled while I am in another call, or when the call is full, with the reason).
 */
import type { GroupCallState } from '../lib/protocol';
import { PhoneIcon, VideoIcon } from './Icons';

interface Props {
  call: GroupCallState;
  names: string[];
  disabled: boolean;
  onJoin(): void;
}

function who(names: string[]): string {
  if (names.length === 0) return 'Nobody is in it yet';
  if (names.length === 1) return `${names[0]} is in it`;
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)} are in it`;
}

export function GroupCallBanner({ call, names, disabled, onJoin }: Props) {
  const full = call.participants.length >= call.limit;
  const kind = call.media === 'video' ? 'Video call' : 'Voice call';
  return (
    <div className="gcall-banner" role="region" aria-label="Call in progress" data-testid="group-call-banner" data-call-id={call.id}>
      {call.media === 'video' ? <VideoIcon size={18} /> : <PhoneIcon size={18} />}
      <p className="gcall-banner__text">
        <strong>{kind} in progress</strong> — <span data-testid="group-call-banner-who">{who(names)}</span>
        {full && <span> · full ({call.limit} people at most)</span>}
      </p>
      <button type="button" className="btn btn--primary" onClick={onJoin} disabled={disabled || full} data-testid="group-call-join">
        Join<span className="visually-hidden"> the {kind.toLowerCase()}</span>
      </button>
    </div>
  );
}
