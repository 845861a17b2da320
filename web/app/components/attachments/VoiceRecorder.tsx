/**
 * Recording a voice note with MediaRecorder: starts at once (asking for the microphone),
 * shows the time, and measures the loudness (a Web Audio analyser) for the note's waveform.
 * Send stops and hands over the recording; Stop leads to a review (listen, then send or
 * discard); Cancel throws it away. Loaded on demand when the microphone button is pressed.
 */
import { useEffect, useRef, useState } from 'react';
import { formatDuration } from '../../lib/format';
import { framePeak, waveformPeaks } from '../../lib/waveform';
import { CloseIcon, SendIcon, StopIcon, TrashIcon } from '../Icons';
import { Waveform } from './Waveform';
import { useMediaDuration } from '../../hooks/useMediaDuration';

/** Loudness samples a second while recording (the waveform keeps 64 peaks of them). */
const SAMPLE_EVERY_MS = 100;

/** Longest voice note: at Opus' ~32 kbit/s, far under the upload limit. */
const MAX_RECORDING_MS = 15 * 60_000;
const TYPES = ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/mp4'];

interface Props {
  onDone(file: File, durationMs: number, waveform: number[]): void;
  onClose(): void;
}

interface Recording {
  file: File;
  durationMs: number;
  waveform: number[];
  url: string;
}

export default function VoiceRecorder({ onDone, onClose }: Props) {
  const [elapsed, setElapsed] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const recorder = useRef<MediaRecorder | null>(null);
  const started = useRef(0);
  /** What happens when the recorder stops: send at once, review first, or throw away. */
  const then = useRef<'send' | 'review' | 'discard'>('discard');
  const [review, setReview] = useState<Recording | null>(null);

  useEffect(() => {
    let stream: MediaStream | null = null;
    let tick: ReturnType<typeof setInterval> | undefined;
    let disposed = false;
    const chunks: Blob[] = [];
    const samples: number[] = [];
    let audio: AudioContext | null = null;
    (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      } catch {
        setError('No microphone: allow microphone access to record a voice note.');
        return;
      }
      if (disposed) return stream.getTracks().forEach((t) => t.stop());
      const mimeType = TYPES.find((t) => MediaRecorder.isTypeSupported(t));
      const rec = new MediaRecorder(stream, mimeType ? { mimeType } : {});
      recorder.current = rec;
      rec.ondataavailable = (e) => e.data.size && chunks.push(e.data);
      // Loudness for the waveform; without Web Audio the note simply has none.
      let sample = () => {};
      try {
        audio = new AudioContext();
        const analyser = audio.createAnalyser();
        analyser.fftSize = 512;
        audio.createMediaStreamSource(stream).connect(analyser);
        const frame = new Uint8Array(analyser.fftSize);
        sample = () => {
          analyser.getByteTimeDomainData(frame);
          samples.push(framePeak(frame));
        };
      } catch {
        audio = null;
      }
      rec.onstop = () => {
        stream?.getTracks().forEach((t) => t.stop());
        clearInterval(tick);
        clearInterval(sampler);
        void audio?.close().catch(() => {});
        if (then.current === 'discard') return;
        const type = (rec.mimeType || 'audio/webm').split(';')[0]!;
        const ext = type.includes('ogg') ? 'ogg' : type.includes('mp4') ? 'm4a' : 'webm';
        const stamp = new Date().toISOString().slice(0, 19).replace(/[T:]/g, '-');
        const file = new File(chunks, `voice-${stamp}.${ext}`, { type });
        const durationMs = Date.now() - started.current;
        const waveform = waveformPeaks(samples);
        if (then.current === 'send') return onDone(file, durationMs, waveform);
        setReview({ file, durationMs, waveform, url: URL.createObjectURL(file) });
      };
      started.current = Date.now();
      rec.start(1000);
      const sampler = setInterval(sample, SAMPLE_EVERY_MS);
      tick = setInterval(() => {
        const ms = Date.now() - started.current;
        setElapsed(ms);
        if (ms >= MAX_RECORDING_MS) stop('send');
      }, 250);
    })();
    return () => {
      disposed = true;
      clearInterval(tick);
      void audio?.close().catch(() => {});
      if (recorder.current?.state === 'recording') recorder.current.stop();
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  const stop = (next: 'send' | 'review' | 'discard') => {
    then.current = next;
    if (recorder.current?.state === 'recording') recorder.current.stop();
    if (next !== 'review') onClose();
  };

  // The review's player learns the recording's length (a MediaRecorder file does not say it).
  const reviewAudio = useRef<HTMLAudioElement>(null);
  const reviewDuration = useMediaDuration(reviewAudio, review?.url);

  // The review's object URL lives as long as the review.
  useEffect(() => () => {
    if (review) URL.revokeObjectURL(review.url);
  }, [review]);

  if (review) {
    return (
      <div className="voice-recorder voice-recorder--review" role="group" aria-label="Review the voice note" data-testid="voice-review">
        <button type="button" className="icon-btn" aria-label="Discard voice note" onClick={onClose} data-testid="voice-discard">
          <TrashIcon size={20} />
        </button>
        <audio
          ref={reviewAudio}
          className="voice-recorder__audio"
          controls
          src={review.url}
          aria-label="Recorded voice note"
          data-testid="voice-review-audio"
          data-duration={reviewDuration ?? undefined}
        />
        <Waveform peaks={review.waveform} progress={0} />
        <span className="voice-recorder__time">{formatDuration(review.durationMs)}</span>
        <button
          type="button"
          className="send-btn"
          aria-label="Send voice note"
          autoFocus
          onClick={() => {
            onDone(review.file, review.durationMs, review.waveform);
            onClose();
          }}
          data-testid="voice-review-send"
        >
          <SendIcon size={20} />
        </button>
      </div>
    );
  }

  return (
    <div className="voice-recorder" role="group" aria-label="Recording a voice note" data-testid="voice-recorder">
      {error ? (
        <span role="alert">{error}</span>
      ) : (
        <>
          <span className="voice-recorder__dot" aria-hidden="true" />
          <span className="voice-recorder__time" aria-live="off" data-testid="voice-elapsed">
            {formatDuration(elapsed)}
          </span>
        </>
      )}
      <button
        type="button"
        className="icon-btn"
        aria-label="Cancel voice note"
        onClick={() => stop('discard')}
        data-testid="voice-cancel"
      >
        <CloseIcon size={20} />
      </button>
      {!error && (
        <button type="button" className="icon-btn" aria-label="Stop and listen before sending" onClick={() => stop('review')} data-testid="voice-stop">
          <StopIcon size={20} />
        </button>
      )}
      {!error && (
        <button
          type="button"
          className="send-btn"
          aria-label="Send voice note"
          autoFocus
          onClick={() => stop('send')}
          data-testid="voice-send"
        >
          <SendIcon size={20} />
        </button>
      )}
    </div>
  );
}

