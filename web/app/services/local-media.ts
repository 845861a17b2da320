/**
 * My side of a call's media: the microphone, the camera and a shared screen. It knows nothing
 * about peer connections; it says which audio track and which video track should go out
 * (`audioTrack`, `videoTrack` — the screen while sharing, else the camera if it is on) and
 * tells subscribers whenever that changes. The call (services/call-session.ts) puts those
 * tracks on its RTCRtpSenders, in place.
 *
 * Camera off stops the camera (its light goes out) instead of sending black frames; the
 * microphone is muted with `enabled = false` (instant, no permission prompt to unmute).
 */
export interface LocalMediaState {
  /** Microphone captured. */
  hasAudio: boolean;
  muted: boolean;
  cameraOn: boolean;
  sharing: boolean;
  /** Outgoing tracks (null: nothing to send). */
  audioTrack: MediaStreamTrack | null;
  videoTrack: MediaStreamTrack | null;
  /** A readable note for the last problem (e.g. camera refused), or null. */
  notice: string | null;
}

export class MediaError extends Error {
  override name = 'MediaError';
}

/** People-readable reasons for getUserMedia / getDisplayMedia failures. */
export function mediaErrorText(err: unknown, what: 'microphone' | 'camera' | 'microphone and camera' | 'screen'): string {
  const name = err instanceof DOMException || err instanceof Error ? err.name : '';
  if (!navigator.mediaDevices) return 'Calls need a secure (https) page.';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return what === 'screen' ? 'Screen sharing was not allowed.' : `Allow access to your ${what} to call.`;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return `No ${what === 'microphone and camera' ? 'microphone or camera' : what} found.`;
    case 'NotReadableError':
    case 'AbortError':
      return `Your ${what} is in use by another app.`;
    default:
      return `Could not start your ${what}.`;
  }
}

const VIDEO: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };

export class LocalMedia {
  private mic: MediaStreamTrack | null = null;
  private camera: MediaStreamTrack | null = null;
  private screen: MediaStreamTrack | null = null;
  private muted = false;
  private notice: string | null = null;
  private listeners = new Set<() => void>();
  private snapshot: LocalMediaState = this.build();
  /** Bumped on release: a capture that resolves after it is stopped at once. */
  private generation = 0;

  get state(): LocalMediaState {
    return this.snapshot;
  }

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getState = (): LocalMediaState => this.snapshot;

  private build(): LocalMediaState {
    const cameraOn = this.camera !== null;
    return {
      hasAudio: this.mic !== null,
      muted: this.muted,
      cameraOn,
      sharing: this.screen !== null,
      audioTrack: this.mic,
      videoTrack: this.screen ?? this.camera,
      notice: this.notice,
    };
  }

  private changed() {
    this.snapshot = this.build();
    for (const fn of this.listeners) fn();
  }

  /**
   * Opens the microphone (and the camera for a video call). A missing or refused camera falls
   * back to a voice call with a notice; a missing microphone throws a MediaError.
   */
  async acquire(video: boolean): Promise<void> {
    const gen = this.generation;
    if (!navigator.mediaDevices?.getUserMedia) throw new MediaError('Calls need a secure (https) page and a browser with WebRTC.');
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: video ? VIDEO : false });
    } catch (err) {
      if (!video) throw new MediaError(mediaErrorText(err, 'microphone'));
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: true });
        this.notice = mediaErrorText(err, 'camera');
      } catch (err2) {
        throw new MediaError(mediaErrorText(err2, 'microphone'));
      }
    }
    if (gen !== this.generation) {
      for (const t of stream.getTracks()) t.stop();
      return;
    }
    this.mic = stream.getAudioTracks()[0] ?? null;
    this.camera = stream.getVideoTracks()[0] ?? null;
    if (this.mic) this.mic.enabled = !this.muted;
    this.changed();
  }

  setMuted(muted: boolean) {
    this.muted = muted;
    if (this.mic) this.mic.enabled = !muted;
    this.changed();
  }

  /** Turns the camera on (asks for it if needed) or off (stops it). Throws a MediaError when refused. */
  async setCamera(on: boolean): Promise<void> {
    if (!on) {
      this.camera?.stop();
      this.camera = null;
      this.changed();
      return;
    }
    if (this.camera) return;
    const gen = this.generation;
    let track: MediaStreamTrack | undefined;
    try {
      track = (await navigator.mediaDevices.getUserMedia({ video: VIDEO })).getVideoTracks()[0];
    } catch (err) {
      throw new MediaError(mediaErrorText(err, 'camera'));
    }
    if (!track) throw new MediaError('No camera found.');
    if (gen !== this.generation) {
      track.stop();
      return;
    }
    this.camera = track;
    this.notice = null;
    this.changed();
  }

  get canShareScreen(): boolean {
    return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getDisplayMedia === 'function';
  }

  /** Shares a screen, window or tab in place of the camera; the browser's own "Stop sharing" ends it too. */
  async startScreenShare(): Promise<void> {
    if (this.screen) return;
    const gen = this.generation;
    let track: MediaStreamTrack | undefined;
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false });
      track = stream.getVideoTracks()[0];
    } catch (err) {
      // Closing the picker is not an error worth a notice.
      if (err instanceof DOMException && err.name === 'NotAllowedError') return;
      throw new MediaError(mediaErrorText(err, 'screen'));
    }
    if (!track) return;
    if (gen !== this.generation) {
      track.stop();
      return;
    }
    // Sharing text and slides: prefer sharpness over motion.
    if ('contentHint' in track) track.contentHint = 'detail';
    track.addEventListener('ended', () => {
      if (this.screen === track) this.stopScreenShare();
    });
    this.screen = track;
    this.changed();
  }

  /** Back to the camera (or to no video if the camera is off). */
  stopScreenShare() {
    if (!this.screen) return;
    this.screen.stop();
    this.screen = null;
    this.changed();
  }

  clearNotice() {
    if (this.notice === null) return;
    this.notice = null;
    this.changed();
  }

  /** Stops every track: the call is over. */
  release() {
    this.generation++;
    for (const t of [this.mic, this.camera, this.screen]) t?.stop();
    this.mic = this.camera = this.screen = null;
    this.muted = false;
    this.notice = null;
    this.changed();
  }
}
