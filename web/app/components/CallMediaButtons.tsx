/**
 * The microphone, camera and screen-sharing buttons of a call screen (1-to-1 and group alike).
 * `voiceCall`: the camera button of a voice call reads "Switch to video" while nothing is sent.
 */
import type { LocalMedia, LocalMediaState } from '../services/local-media';
import { MicIcon, MicOffIcon, ScreenShareIcon, VideoIcon, VideoOffIcon } from './Icons';

interface Props {
  local: LocalMedia;
  media: LocalMediaState;
  voiceCall: boolean;
  /** Screen sharing needs the media path up. */
  canShare: boolean;
  /** Runs an action that may fail (the camera refused), showing why. */
  run(fn: () => Promise<void> | void): void;
  testIdPrefix: 'call' | 'gcall';
}

export function CallMediaButtons({ local, media, voiceCall, canShare, run, testIdPrefix }: Props) {
  const videoOn = media.cameraOn;
  const cameraLabel = voiceCall && !videoOn && !media.sharing ? 'Switch to video' : videoOn ? 'Turn camera off' : 'Turn camera on';
  return (
    <>
      <button
        type="button"
        className={`round-btn${media.muted ? ' round-btn--on' : ''}`}
        aria-label={media.muted ? 'Unmute microphone' : 'Mute microphone'}
        aria-pressed={media.muted}
        disabled={!media.hasAudio}
        onClick={() => local.setMuted(!media.muted)}
        data-testid={`${testIdPrefix}-mute`}
      >
        {media.muted ? <MicOffIcon /> : <MicIcon />}
      </button>
      <button
        type="button"
        className={`round-btn${!videoOn && !voiceCall ? ' round-btn--on' : ''}`}
        aria-label={cameraLabel}
        aria-pressed={!voiceCall ? !videoOn : undefined}
        onClick={() => run(() => local.setCamera(!videoOn))}
        data-testid={`${testIdPrefix}-camera`}
      >
        {videoOn ? <VideoIcon /> : <VideoOffIcon />}
      </button>
      {local.canShareScreen && (
        <button
          type="button"
          className={`round-btn${media.sharing ? ' round-btn--active' : ''}`}
          aria-label={media.sharing ? 'Stop sharing screen' : 'Share screen'}
          aria-pressed={media.sharing}
          disabled={!canShare}
          onClick={() => run(() => (media.sharing ? local.stopScreenShare() : local.startScreenShare()))}
          data-testid={`${testIdPrefix}-screen-share`}
        >
          <ScreenShareIcon />
        </button>
      )}
    </>
  );
}
