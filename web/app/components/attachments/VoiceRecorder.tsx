/**
 * Recording a voice note with MediaRecorder: starts at once (asking for the microphone),
 * shows the time, Send stops and hands over the recording, Cancel throws it away.
 * Loaded on demand when the microphone button is pressed.
 */
import { useEffect, useRef, useState } from 'react';
import { formatDuration } from '../../lib/format';
import { CloseIcon, SendIcon } from '../Icons';

/** Longest voice note: at Opus' ~32 kbit/s, far under the upload limit. */
const MAX_RECORDING_MS = 15 * 60_000;
const TYPES = ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/mp4'];

interface Props {
  onDone(file: File, durationMs: number): void;
  onClose(): void;
}

export default function VoiceRecorder({ onDone, onClose }: Props) {
  const [elapsed, setElapsed] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const recorder = useRef<MediaRecorder | null>(null);
  const started = useRef(0);
  const keep = useRef(false);

  useEffect(() => {
    let stream: MediaStream | null = null;
    let tick: ReturnType<typeof setInterval> | undefined;
    let disposed = false;
    const chunks: Blob[] = [];
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
      rec.onstop = () => {
        stream?.getTracks().forEach((t) => t.stop());
        clearInterval(tick);
        if (!keep.current) return;
        const type = (rec.mimeType || 'audio/webm').split(';')[0]!;
        const ext = type.includes('ogg') ? 'ogg' : type.includes('mp4') ? 'm4a' : 'webm';
        const stamp = new Date().toISOString().slice(0, 19).replace(/[T:]/g, '-');
        onDone(new File(chunks, `voice-${stamp}.${ext}`, { type }), Date.now() - started.current);
      };
      started.current = Date.now();
      rec.start(1000);
      tick = setInterval(() => {
        const ms = Date.now() - started.current;
        setElapsed(ms);
        if (ms >= MAX_RECORDING_MS) stop(true);
      }, 250);
    })();
    return () => {
      disposed = true;
      clearInterval(tick);
      if (recorder.current?.state === 'recording') recorder.current.stop();
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  const stop = (send: boolean) => {
    keep.current = send;
    if (recorder.current?.state === 'recording') recorder.current.stop();
    onClose();
  };

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
        onClick={() => stop(false)}
        data-testid="voice-cancel"
      >
        <CloseIcon size={20} />
      </button>
      {!error && (
        <button
          type="button"
          className="send-btn"
          aria-label="Send voice note"
          autoFocus
          onClick={() => stop(true)}
          data-testid="voice-send"
        >
          <SendIcon size={20} />
        </button>
      )}
    </div>
  );
}
