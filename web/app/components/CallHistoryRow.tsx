/**
 * One call on the Calls screen: who, voice or video, which way, how it went and when. The row
 * opens the chat; "Call back" rings them again with the same kind of call (it cannot while I am
 * in a call already).
 */
import { Link, useNavigate } from '@remix-run/react';
import type { CallHistoryEntry } from '../services/api';
import { useCallControls } from '../context/CallControls';
import { callJoinedText, callKindText, callOutcomeText, callPartyName, callTimeText } from '../lib/call-history';
import { formatFull } from '../lib/format';
import { Avatar } from './Avatar';
import { PhoneIcon, VideoIcon } from './Icons';

export function CallHistoryRow({ call }: { call: CallHistoryEntry }) {
  const controls = useCallControls();
  const navigate = useNavigate();
  const name = callPartyName(call);
  const missed = call.outcome === 'missed';
  const joined = callJoinedText(call);
  const MediaIcon = call.media === 'video' ? VideoIcon : PhoneIcon;
  // A deleted account cannot be called; neither can anyone while I am in a call.
  const reachable = call.kind === 'group' || (call.peer !== null && !call.peer.deleted);
  const callBack = () => {
    if (!controls) return;
    if (call.kind === 'group') controls.startGroup(call.roomId, call.media);
    else if (call.peer) controls.start(call.roomId, call.peer.id, call.media, call.room.secret);
    navigate(`/chat/${call.roomId}`);
  };
  return (
    <li className="call-row" data-testid="call-history-item" data-call-id={call.id} data-outcome={call.outcome} data-media={call.media} data-direction={call.direction}>
      <Link to={`/chat/${call.roomId}`} className="call-row__open" data-testid="call-history-open">
        <Avatar id={call.kind === 'group' ? call.roomId : (call.peer?.id ?? call.roomId)} name={name} avatarId={call.peer?.avatarId} group={call.kind === 'group'} />
        <span className="call-row__text">
          <strong className="call-row__name">{name}</strong>
          {joined && <span className="call-row__joined">{joined}</span>}
          <span className={`call-row__outcome${missed ? ' call-row__outcome--missed' : ''}`}>
            <MediaIcon size={14} />
            <span aria-hidden="true">{call.direction === 'outgoing' ? '↗ ' : '↙ '}</span>
            <span data-testid="call-history-kind">{callKindText(call)}</span>
            {', '}
            <span data-testid="call-history-outcome">{callOutcomeText(call)}</span>
          </span>
        </span>
        <time className="call-row__time" dateTime={call.createdAt} title={formatFull(call.createdAt)}>
          {callTimeText(call.createdAt)}
        </time>
      </Link>
      <button
        type="button"
        className="icon-btn call-row__back"
        aria-label={`Call back ${name} (${call.media} call)`}
        title="Call back"
        disabled={!controls || controls.busy || !reachable}
        onClick={callBack}
        data-testid="call-back"
      >
        <MediaIcon />
      </button>
    </li>
  );
}
