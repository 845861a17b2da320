/** The header's voice and video call buttons, for a direct chat and for a group alike. */
import { PhoneIcon, VideoIcon } from './Icons';

export type CallKind = 'voice' | 'video';

interface Props {
  /** What the button does, for screen readers: "Start a voice call with Ann". */
  label(kind: CallKind): string;
  disabled: boolean;
  onStart(kind: CallKind): void;
  /** Test ids are `<prefix>-voice-button` and `<prefix>-video-button`. */
  testIdPrefix: 'call' | 'group-call';
}

export function CallButtons({ label, disabled, onStart, testIdPrefix }: Props) {
  return (
    <span className="chat__calls">
      {(['voice', 'video'] as const).map((kind) => (
        <button
          key={kind}
          type="button"
          className="icon-btn"
          aria-label={label(kind)}
          title={kind === 'voice' ? 'Voice call' : 'Video call'}
          disabled={disabled}
          onClick={() => onStart(kind)}
          data-testid={`${testIdPrefix}-${kind}-button`}
        >
          {kind === 'voice' ? <PhoneIcon /> : <VideoIcon />}
        </button>
      ))}
    </span>
  );
}
